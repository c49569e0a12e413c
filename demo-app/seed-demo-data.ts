/**
 * The demo's people and first orders, created on first start through the demo's own REST API (as
 * an administrator would), never overwriting what is already there.
 */

/** Demo-only accounts with well-known passwords, so the README's curl commands work as written. */
export const DEMO_USERS = {
  /** The system caller (a dashboard's backend): may grant keys for users and invalidate them. */
  dashboard: { password: "dashboard-password", roles: ["alerting_system"], full_name: "Dashboard backend" },
  /** An end user who may read orders. */
  carol: { password: "carol-password", roles: ["shop_reader"], full_name: "Carol" },
  /** A shop admin, who may also create API keys for herself. */
  dave: { password: "dave-password", roles: ["shop_admin"], full_name: "Dave" },
} as const;

const DEMO_ORDERS = [
  { item: "book", quantity: 2 },
  { item: "pen", quantity: 10 },
];

/** Creates the {@link DEMO_USERS} that do not exist yet, and two orders when there are none. */
export async function seedDemoData(
  baseUrl: string,
  elasticPassword: string,
  warn: (message: string) => void = () => undefined,
): Promise<void> {
  const auth = (user: string, password: string) => "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
  const admin = { "content-type": "application/json", authorization: auth("elastic", elasticPassword) };
  for (const [username, user] of Object.entries(DEMO_USERS)) {
    const found = await fetch(`${baseUrl}/_security/user/${username}`, { headers: admin });
    if (found.status === 200) continue;
    const res = await fetch(`${baseUrl}/_security/user/${username}`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify({ ...user, roles: [...user.roles] }),
    });
    if (!res.ok) warn(`seeding user ${username} failed with ${res.status}: ${await res.text()}`);
  }
  const dave = { "content-type": "application/json", authorization: auth("dave", DEMO_USERS.dave.password) };
  const list = await fetch(`${baseUrl}/orders`, { headers: dave });
  if (!list.ok) return warn(`reading orders as dave failed with ${list.status}`);
  const { orders } = (await list.json()) as { orders: unknown[] };
  if (orders.length > 0) return;
  for (const order of DEMO_ORDERS) {
    const res = await fetch(`${baseUrl}/orders`, { method: "POST", headers: dave, body: JSON.stringify(order) });
    if (!res.ok) warn(`seeding an order failed with ${res.status}: ${await res.text()}`);
  }
}

/** The short curl tour `npm run demo` prints. */
export function demoTour(base: string): string {
  const secondary = `"es-secondary-authorization: Basic $(printf carol:${DEMO_USERS.carol.password} | base64)"`;
  return [
    "demo: alerts tour (the dashboard sets up an alert that runs as carol):",
    `  curl -u dashboard:${DEMO_USERS.dashboard.password} -H ${secondary} -H 'content-type: application/json' \\`,
    `       -d '{"name":"books","interval":"10s","condition":{"item":"book"}}' ${base}/alerts`,
    `  curl -u dashboard:${DEMO_USERS.dashboard.password} ${base}/alerts                   # the id, and authorization.api_key (never the secret)`,
    `  curl -u dashboard:${DEMO_USERS.dashboard.password} ${base}/alerts/<id>/runs          # {at, status, username: "carol", hits}`,
    `  curl -u dashboard:${DEMO_USERS.dashboard.password} -XDELETE ${base}/alerts/<id>       # invalidates carol's key`,
  ].join("\n");
}
