// Passed to page.evaluate: it runs in the browser, so it may use nothing from this module's scope.

/**
 * Runs in the page: the WCAG contrast ratio of each selector's first element against the first
 * opaque background behind it.
 */
export function contrastRatios(selectors: string[]): Array<{ selector: string; ratio: number }> {
  // Browser globals, typed loosely: the test program is compiled without the DOM library.
  const g = globalThis as any;
  const channels = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).map(Number);
  const luminance = (rgb: number[]): number => {
    const linear = (v: number) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
    return 0.2126 * linear(rgb[0] ?? 0) + 0.7152 * linear(rgb[1] ?? 0) + 0.0722 * linear(rgb[2] ?? 0);
  };
  return selectors.map((selector) => {
    const node = g.document.querySelector(selector);
    if (!node) throw new Error(`nothing matches ${selector}`);
    let background = [255, 255, 255];
    for (let at = node; at; at = at.parentElement) {
      const value = channels(g.getComputedStyle(at).backgroundColor as string);
      if (value.length === 3 || (value.length === 4 && (value[3] ?? 0) > 0.9)) {
        background = value.slice(0, 3);
        break;
      }
    }
    const [light, dark] = [luminance(channels(g.getComputedStyle(node).color as string)), luminance(background)].sort((a, b) => b - a) as [
      number,
      number,
    ];
    return { selector, ratio: (light + 0.05) / (dark + 0.05) };
  });
}
