/// The status page's stylesheet, served as `/status.css` so the pages' Content-Security-Policy
/// can allow styles from this origin only (`style-src 'self'`), with no inline style at all.
enum StatusPageStyle {
    static let css = """
        :root { color-scheme: light dark; --accent: #0b6e4f; --error: #b00020; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif; }
        main { max-width: 36rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.25rem; color: var(--accent); margin: 0 0 1rem; }
        h2 { font-size: 1.4rem; margin: 0.5rem 0; }
        h3 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
        label { display: block; margin-top: 0.75rem; font-weight: 600; }
        input, textarea { width: 100%; font: inherit; padding: 0.6rem; border: 1px solid #888; border-radius: 6px; }
        button { width: 100%; margin-top: 1rem; padding: 0.8rem; font: inherit; font-weight: 600;
                 border: 0; border-radius: 6px; background: var(--accent); color: #fff; }
        button.secondary { background: #555; }
        details { margin-top: 1rem; }
        summary { padding: 0.5rem 0; color: var(--error); }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        blockquote { margin: 0; padding: 0.5rem 0.75rem; border-left: 4px solid #888; }
        .notice { padding: 0.75rem; border-radius: 6px; }
        .notice.ok { border: 2px solid var(--accent); }
        .notice.error { border: 2px solid var(--error); }
        .small { font-size: 0.9rem; }
        .history { padding-left: 1.25rem; }
        .history li { margin-bottom: 0.75rem; }
        select { width: 100%; font: inherit; padding: 0.6rem; border: 1px solid #888; border-radius: 6px; }
        button.danger { background: var(--error); }
        .optional { font-weight: 400; }
        .hint { margin: 0.25rem 0; font-size: 0.9rem; }
        .field-error { margin: 0.25rem 0; color: var(--error); font-weight: 600; }
        [aria-invalid="true"] { border: 2px solid var(--error); }
        .check { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.75rem; }
        .check input { width: auto; }
        .check label { margin: 0; }
        .secret { padding: 0.75rem; border: 2px dashed var(--accent); border-radius: 6px; }
        .secret code { font-size: 1.3rem; word-break: break-all; }

        """
}
