// In-page accessibility checks of the dashboard; evaluates to a list of problems.
(() => {
  const problems = [];
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden" && box.width > 0 && box.height > 0;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "");

  // Every control has an accessible name and is in the tab order.
  for (const el of document.querySelectorAll("input, select, textarea, button, a[href], summary")) {
    const labelled = (el.labels && [...el.labels].some((l) => l.textContent.trim())) ||
      (el.getAttribute("aria-label") || "").trim() ||
      (["BUTTON", "A", "SUMMARY"].includes(el.tagName) && el.textContent.trim());
    if (!labelled) problems.push("no accessible name: " + describe(el));
    if (el.tabIndex < 0) problems.push("not keyboard reachable: " + describe(el));
  }
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  for (const table of document.querySelectorAll("table")) {
    if (!table.querySelector("caption")) problems.push("table without caption");
  }

  // Text contrast from computed styles: the text colour against the first opaque
  // background behind it (white at the root).
  const rgba = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return [255, 255, 255, 1];
    const parts = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const luminance = ([r, g, b]) => {
    const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const background = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const color = rgba(getComputedStyle(node).backgroundColor);
      if (color[3] >= 1) return color;
    }
    return [255, 255, 255, 1];
  };
  let checked = 0;
  for (const el of document.querySelectorAll("body *")) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const control = ["INPUT", "SELECT", "BUTTON"].includes(el.tagName);
    if ((!ownText && !control) || !visible(el)) continue;
    const style = getComputedStyle(el);
    const fg = luminance(rgba(style.color));
    const bg = luminance(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    checked += 1;
    if (ratio < needed) problems.push("contrast " + ratio.toFixed(2) + " < " + needed + ": " + describe(el) + " '" + el.textContent.trim().slice(0, 30) + "'");
  }
  if (checked < 20) problems.push("only " + checked + " text elements checked");
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    problems.push("the page scrolls sideways: " + document.documentElement.scrollWidth + " > " + window.innerWidth);
  }
  return problems;
})()
