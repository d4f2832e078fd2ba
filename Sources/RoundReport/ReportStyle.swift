/// The report's only stylesheet, inlined: screen (down to a phone's width) and A4 print.
/// It holds no `<` or `&`, so the document stays well-formed XML.
enum ReportStyle {
    static let css = """
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{margin:0;color:#1d2329;background:#fff;font-size:15px;line-height:1.45;\
        font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","Source Han Sans SC",\
        "PingFang SC","Microsoft YaHei",sans-serif}
        main{max-width:980px;margin:0 auto;padding:18px 16px 32px}
        h1{font-size:1.55em;margin:0 0 .15em;line-height:1.2}
        h2{font-size:1.18em;margin:1.7em 0 .55em;padding-bottom:.15em;border-bottom:2px solid #1d2329}
        .zh{color:#4b5560;font-weight:normal;margin-left:.35em}
        .sub{color:#4b5560;margin:0 0 1em}
        .meta{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:0}
        .meta dt{color:#4b5560}
        .meta dd{margin:0;overflow-wrap:anywhere}
        code,.mono{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace;\
        font-size:.92em;overflow-wrap:anywhere}
        pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f6f8;border:1px solid #d5dbe1;\
        border-radius:4px;padding:.5em .7em;margin:.4em 0}
        .figures{display:flex;flex-wrap:wrap;gap:8px;margin:0}
        .figure{flex:1 1 168px;border:1px solid #d5dbe1;border-radius:6px;padding:.45em .7em}
        .figure dt{font-size:.82em;color:#4b5560;line-height:1.3}
        .figure dd{margin:.15em 0 0;font-size:1.4em;font-weight:600;font-variant-numeric:tabular-nums}
        .figure .of{display:block;font-size:.55em;font-weight:normal;color:#4b5560}
        .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
        table{border-collapse:collapse;width:100%;font-size:.9em}
        th,td{padding:.28em .5em;border-bottom:1px solid #d5dbe1;text-align:left;vertical-align:middle}
        thead th{border-bottom:2px solid #1d2329;font-weight:600;vertical-align:bottom;line-height:1.25}
        thead th .zh{margin-left:0;font-size:.92em}
        .n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.barcell{width:34%;min-width:110px}
        tr.chosen td{background:#eef6f0;font-weight:600}
        #mechanism-table td:first-child{min-width:9em}
        tr.chosen strong{color:#2e7d4f;font-size:.9em;white-space:nowrap}
        tr.total td{font-weight:600;border-top:2px solid #1d2329}
        .id{color:#4b5560;font-size:.85em}
        svg{display:block;max-width:100%;height:auto}
        svg.bar{width:100%;height:12px}
        .legend{display:flex;flex-wrap:wrap;gap:.3em 1.1em;margin:.35em 0;font-size:.88em}
        .legend>span{white-space:nowrap}
        .legend svg{display:inline-block;vertical-align:-1px;margin-right:.2em}
        .note{color:#4b5560;font-size:.88em;margin:.4em 0}
        .warning{border-left:4px solid #b3261e;background:#fbeeee;padding:.4em .7em;margin:.6em 0}
        figure{margin:.5em 0}
        footer{margin-top:2em;color:#4b5560;font-size:.85em;border-top:1px solid #d5dbe1;padding-top:.5em}
        @media screen and (max-width:600px){body{font-size:14px}main{padding:12px 10px 24px}th,td{padding:.22em .3em}\
        .meta{grid-template-columns:1fr}.meta dd{margin-bottom:.3em}}
        @page{size:A4;margin:14mm 12mm 16mm}
        @media print{body{font-size:9.5pt}table{font-size:.85em}main{max-width:none;padding:0}.scroll{overflow:visible}\
        h2{break-after:avoid;page-break-after:avoid}figure,.figures,.meta,tr{break-inside:avoid;page-break-inside:avoid}\
        thead{display:table-header-group}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """
}
