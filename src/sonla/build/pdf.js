// Prepares the single-page build of the book for printing (run by sonla/build/pdf.py with
// Playwright's page.evaluate). It only adds to and rewires the page; the looks are in
// _static/print.css. Argument: {root, parts: [{caption, docnames}], cover: {...}}.
// Returns what the Python side needs: the chapters with their sections (for the PDF outline)
// and counts of the links it rewrote.
(spec) => {
  const article = document.querySelector("article.bd-article");
  if (!article) throw new Error("no article.bd-article in the single-page build");

  const make = (tag, attrs = {}, text = null) => {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
    if (text !== null) el.textContent = text;
    return el;
  };
  const headingText = (heading) => {
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach((a) => a.remove());
    return copy.textContent.replace(/\s+/g, " ").trim();
  };
  const firstHeading = (section) =>
    Array.from(section.children).find((el) => /^H[1-6]$/.test(el.tagName));

  // 1. Chapters: each inlined document starts with <span id="document-DOCNAME"> followed by its
  //    section; the root document is the article's first section (given the same kind of anchor).
  const rootSection = article.querySelector("section");
  rootSection.prepend(make("span", { id: `document-${spec.root}` }));
  const chapterSection = (docname) => {
    const anchor = document.getElementById(`document-${docname}`);
    if (!anchor) return null;
    if (docname === spec.root) return rootSection;
    let el = anchor.nextElementSibling;
    while (el && el.tagName !== "SECTION") el = el.nextElementSibling;
    return el;
  };
  let headingNumber = 0;
  const outlineId = (heading) => {
    if (!heading.id) heading.id = `pdf-h-${++headingNumber}`;
    return heading.id;
  };
  const numerals = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];
  const chapters = [];
  const missing = [];
  let partNumber = 0;
  spec.parts.forEach((part) => {
    const label = part.caption ? `Part ${numerals[partNumber] || partNumber + 1} · ${part.caption}` : null;
    if (part.caption) partNumber += 1;
    part.docnames.forEach((docname, index) => {
      const section = chapterSection(docname);
      const heading = section && firstHeading(section);
      if (!heading) { missing.push(docname); return; }
      section.classList.add("pdf-chapter");
      if (label && index === 0) section.prepend(make("p", { class: "pdf-part-label" }, label));
      // The anchor goes inside the section: before it, it would print at the foot of the page
      // before the chapter's page break, and links and bookmarks would land there.
      section.prepend(document.getElementById(`document-${docname}`));
      const sections = Array.from(section.children)
        .filter((el) => el.tagName === "SECTION" && firstHeading(el))
        .map((el) => ({ title: headingText(firstHeading(el)), id: outlineId(firstHeading(el)) }));
      chapters.push({ docname, part: part.caption, partLabel: label, title: headingText(heading),
                      anchor: `document-${docname}`, sections });
    });
  });

  // 2. Links. The single page inlines every document, but links written as raw HTML by the
  //    chapters (claim ids → reader pages) still point at the separate pages; Sphinx's own
  //    cross-references are already #fragments. Same-site links become in-document links
  //    (to the fragment if it exists here, else to the start of the document they name);
  //    links to files (downloads, this PDF) cannot work inside a PDF and become plain text.
  const here = new URL(window.location.href);
  const docnames = chapters.map((c) => c.docname);
  const documentFor = (pathname) => {
    const path = decodeURIComponent(pathname).replace(/^\/+/, "").replace(/\.html$/, "");
    return docnames.find((d) => d === path) || docnames.find((d) => d.endsWith(`/${path}`))
      || docnames.find((d) => path.endsWith(`/${d}`)) || null;
  };
  const counts = { fragment: 0, rewritten: 0, external: 0, unlinked: 0, broken: [] };
  const unlink = (a) => {
    const span = make("span", { class: "pdf-unlinked" });
    while (a.firstChild) span.appendChild(a.firstChild);
    a.replaceWith(span);
    counts.unlinked += 1;
  };
  article.querySelectorAll("a.headerlink").forEach((a) => a.remove());
  article.querySelectorAll("a[href]").forEach((a) => {
    const raw = a.getAttribute("href");
    let url;
    try { url = new URL(raw, here); } catch (e) { counts.broken.push(raw); return; }
    if (url.protocol !== "http:" && url.protocol !== "https:" && url.protocol !== "file:") return;
    if (url.origin !== here.origin) { counts.external += 1; return; }
    const fragment = decodeURIComponent(url.hash.replace(/^#/, ""));
    if (fragment && document.getElementById(fragment)) {
      if (url.pathname === here.pathname) counts.fragment += 1; else counts.rewritten += 1;
      a.setAttribute("href", `#${fragment}`);
      return;
    }
    const docname = url.pathname === here.pathname ? null : documentFor(url.pathname);
    if (docname) { a.setAttribute("href", `#document-${docname}`); counts.rewritten += 1; return; }
    if (url.pathname === here.pathname || url.pathname.endsWith(".html")) counts.broken.push(raw);
    unlink(a);
  });

  // 3. Interactive tables (itables) print their first page of rows; say where the rest is.
  article.querySelectorAll(".dt-container").forEach((table) => {
    table.after(make("p", { class: "pdf-note" },
      "Interactive table: the PDF shows its first rows only (see the count above). Search, sort " +
      "and page through every row in the HTML book, or use the downloads."));
  });

  // 4. Tables wider than the text column (measured at the width of the printed page) may break
  //    words anywhere; anything still wider is reported, since Chromium would shrink every page.
  const column = article.getBoundingClientRect().right + 1;
  article.querySelectorAll("table").forEach((table) => {
    if (table.getBoundingClientRect().right > column) table.classList.add("pdf-squeeze");
  });
  const tooWide = Array.from(article.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > column && !el.closest(".pdf-destinations")
      && getComputedStyle(el).display !== "inline")  // a wrapped inline's box may hang past the line
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className}`.slice(0, 80));

  // 5. Cover and contents, before the first chapter.
  const cover = make("section", { class: "pdf-title-page", "aria-label": "Title page" });
  cover.append(make("p", { class: "pdf-title" }, spec.cover.title));
  if (spec.cover.subtitle) cover.append(make("p", { class: "pdf-subtitle" }, spec.cover.subtitle));
  cover.append(make("p", { class: "pdf-authors" }, spec.cover.authors));
  spec.cover.edition.forEach((line) => cover.append(make("p", { class: "pdf-edition" }, line)));
  const cite = make("div", { class: "pdf-cite" });
  cite.append(make("p", {}, "How to cite"));
  cite.firstChild.style.fontWeight = "600";
  spec.cover.citation.forEach((line) => cite.append(make("p", {}, line)));
  cover.append(cite);
  cover.append(make("p", { class: "pdf-licence" }, spec.cover.licence));

  const contents = make("nav", { class: "pdf-contents", "aria-label": "Contents" });
  contents.append(make("h1", { id: "pdf-contents" }, "Contents"));
  const list = make("ol");
  const entry = (chapter) => {
    const li = make("li", { class: "pdf-contents-chapter" });
    const a = make("a", { href: `#${chapter.anchor}` });
    a.append(make("span", { class: "pdf-contents-title" }, chapter.title));
    // A placeholder as wide as a page number; pdf.py fills in the page after a first print.
    a.append(make("span", { class: "pdf-contents-page", "data-target": chapter.anchor }, "000"));
    li.append(a);
    return li;
  };
  let partList = null;
  let lastPart;
  chapters.forEach((chapter) => {
    if (!chapter.part) { list.append(entry(chapter)); partList = null; lastPart = undefined; return; }
    if (chapter.part !== lastPart) {
      const li = make("li", { class: "pdf-contents-part" });
      li.append(make("span", {}, chapter.partLabel));
      partList = make("ol");
      li.append(partList);
      list.append(li);
      lastPart = chapter.part;
    }
    partList.append(entry(chapter));
  });
  contents.append(list);
  article.prepend(contents);
  article.prepend(cover);

  // 6. Chromium writes a named destination only for an element some link points to. The
  //    outline needs one per section heading: an invisible list of links provides them.
  const targets = make("nav", { class: "pdf-destinations", "aria-hidden": "true" });
  targets.append(make("a", { href: "#pdf-contents", tabindex: "-1" }, "\u200b"));
  chapters.forEach((chapter) => chapter.sections.forEach((s) => {
    targets.append(make("a", { href: `#${s.id}`, tabindex: "-1" }, "\u200b"));
  }));
  article.append(targets);

  return { chapters, missing, counts, tooWide: tooWide.slice(0, 20) };
}
