import type { Authorizer } from "../../authz/authorizer.js";
import type { Authentication } from "../../model/authentication.js";
import type { RoleDescriptorMap } from "../../model/role-descriptor.js";
import { setOwnKey } from "../../support/set-own-key.js";
import { keyOf } from "./own-key-request.js";

/**
 * The owner's role descriptors now (`description` stripped); `{}` for an API key (it has no
 * roles), as Elasticsearch's `ApiKeyUserRoleDescriptorResolver`.
 */
export async function limitedBySnapshot(authorizer: Authorizer, owner: Authentication): Promise<RoleDescriptorMap> {
  if (keyOf(owner)) return {};
  const resolved = await authorizer.resolveRoles(owner.user.roles);
  const out: RoleDescriptorMap = {};
  for (const { name, descriptor } of resolved) {
    const { description: _description, ...rest } = descriptor;
    // A native role may be called `__proto__`: it must stay a key of the snapshot.
    setOwnKey(out, name, structuredClone(rest));
  }
  return out;
}
