import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** A relative link of a markdown file: the file it points to and the heading anchor, if any. */
export interface MarkdownLink {
  readonly text: string;
  readonly target: string;
  readonly anchor: string | undefined;
}

/** Directories that hold no documentation of the project (dependencies, build output, VCS). */
const SKIPPED = new Set(["node_modules", "build", "test-artifacts"]);

export function listMarkdownFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listMarkdownFiles(root, path));
    else if (entry.isFile() && entry.name.endsWith(".md")) out.push(relative(root, path));
  }
  return out.sort();
}

/** Code is quoted text: a `[a](b)` inside a fence or backticks is not a link. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** Links to other files of the repository or to headings; absolute URLs and mail links are not ours to check. */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const match of withoutCode(markdown).matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)) {
    const href = match[2] ?? "";
    if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue;
    const hash = href.indexOf("#");
    links.push({
      text: match[1] ?? "",
      target: hash === -1 ? href : href.slice(0, hash),
      anchor: hash === -1 ? undefined : decodeURIComponent(href.slice(hash + 1)),
    });
  }
  return links;
}

/** GitHub's heading ids: lower case, punctuation dropped, each space a hyphen. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const base = (match[1] ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every relative link of `file` (relative to `root`) whose file or heading does not exist, as readable lines. */
export function brokenLinks(root: string, file: string): string[] {
  const source = join(root, file);
  const problems: string[] = [];
  for (const link of relativeLinks(readFileSync(source, "utf8"))) {
    const targetPath = link.target === "" ? source : resolve(dirname(source), link.target);
    const shown = `${file}: [${link.text}](${link.target}${link.anchor === undefined ? "" : `#${link.anchor}`})`;
    if (!existsSync(targetPath)) {
      problems.push(`${shown}: no such file`);
      continue;
    }
    if (link.anchor === undefined || !targetPath.endsWith(".md") || statSync(targetPath).isDirectory()) continue;
    if (!headingAnchors(readFileSync(targetPath, "utf8")).has(link.anchor)) problems.push(`${shown}: no such heading`);
  }
  return problems;
}
