import AllocationFiles
import Foundation
import Store

/// The words of the notice pages, in zh-CN or en.
struct NoticeText: Sendable {
    let language: Language
    private var zh: Bool { language == .zhCN }

    var siteTitle: String { zh ? "住房分配公示" : "Housing allocation notices" }
    var allNotices: String { zh ? "全部公示" : "All notices" }
    var noNotices: String { zh ? "尚无公示。" : "No notices have been published yet." }
    func round(_ id: String) -> String { zh ? "轮次 \(id)" : "Round \(id)" }
    func noRound(_ id: String) -> String { zh ? "轮次 \(id) 没有公示。" : "Round \(id) has no notices." }
    var noNotice: String { zh ? "没有这份公示或文件。" : "There is no such notice or file." }
    var noTable: String { zh ? "这份公示没有这张表。" : "This notice has no such table." }
    var badPage: String { zh ? "页码须为正整数。" : "The page must be a whole number from 1." }
    func kind(_ kind: NoticeKind) -> String {
        switch kind {
        case .preDraw: zh ? "摇号前公示（申请人名单与房源）" : "Pre-draw notice (the pool and the places)"
        case .result: zh ? "摇号结果公示" : "Result notice"
        }
    }
    var current: String { zh ? "现行" : "current" }
    var superseded: String { zh ? "已被更正公示取代" : "superseded by a corrected notice" }
    var supersededBanner: String { zh ? "本公示已被更正公示取代，仍可查阅：" : "This notice has been superseded by a corrected notice; it stays readable. The current one:" }
    var supersedes: String { zh ? "本公示取代（更正）此前的公示：" : "This notice supersedes (corrects) the earlier notice:" }
    func correctedBanner(_ n: Int) -> String {
        zh ? "这是更正后的摇号结果公示：摇号本身（随机种子、摇号号码、优先顺序）未变，摇号后更正的 \(n) 项结果单独列于“摇号后更正”表中。"
            : "This is a corrected result notice: the draw itself (seed, lottery numbers, priority order) is unchanged; the \(n) outcome(s) changed after the draw are listed on their own in the table Corrections after the draw."
    }
    var published: String { zh ? "发布时间" : "Published" }
    /// When the notice's objection window closes, and how long it is.
    func objections(days: Int) -> String { zh ? "异议受理截止（公示后 \(days) 日）" : "Open for objections until (\(days) days after publication)" }
    var noticeSHA: String { zh ? "公示 SHA-256" : "Notice SHA-256" }
    var downloads: String { zh ? "下载（公示文件逐字节相同；另有各表的 JSON）" : "Downloads (the files byte for byte as published; each table's rows also as JSON)" }
    var jsonHint: String {
        zh ? "每个 .json 下载与同名 .csv 文件的行逐字段相同（由已公示并计入 SHA-256 的 CSV 生成，本身不在清单中）。"
            : "Each .json download holds the same rows as the .csv file of the same name, field for field (rendered from the published, hashed CSV; not itself in the manifest)."
    }
    var search: String { zh ? "按公开编号查询" : "Search by public reference" }
    var searchButton: String { zh ? "查询" : "Search" }
    var reference: String { zh ? "公开编号（申请编号）" : "Public reference (applicant id)" }
    func noMatch(_ ref: String) -> String { zh ? "没有公开编号为 \(ref) 的行。" : "No row has the public reference \(ref)." }
    func pageOf(_ page: Int, _ pages: Int, _ rows: Int) -> String {
        zh ? "第 \(page) / \(pages) 页，共 \(rows) 行" : "Page \(page) of \(pages), \(rows) rows"
    }
    var previous: String { zh ? "上一页" : "Previous" }
    var next: String { zh ? "下一页" : "Next" }
    var seedHeading: String { zh ? "随机种子的生成方式" : "How the seed is formed" }
    var verifyHint: String {
        zh ? "任何人都可以用下载的文件核验本公示：python3 verify-notice.py 文件夹（见 README）。"
            : "Anyone can check this notice with the downloaded files: python3 verify-notice.py FOLDER (see the README)."
    }

    func table(_ name: String) -> String {
        switch name {
        case "pool.csv": zh ? "申请人名单" : "Applicants in the pool"
        case "places.csv": zh ? "各项目房源" : "Places per project"
        case "results.csv": zh ? "全部申请人的摇号号码与结果" : "Every applicant's lottery number and outcome"
        case "offers.csv": zh ? "各项目配租名单（按优先顺序）" : "Offered, per project, in priority order"
        case "corrections.csv": zh ? "摇号后更正" : "Corrections after the draw"
        default: name
        }
    }

    func column(_ name: String) -> String {
        switch name {
        case "applicant_id": zh ? "公开编号" : "Public reference"
        case "category": zh ? "类别" : "Category"
        case "priority_points": zh ? "优先积分" : "Priority points"
        case "lottery_number": zh ? "摇号号码" : "Lottery number"
        case "outcome": zh ? "结果" : "Outcome"
        case "project_id": zh ? "项目" : "Project"
        case "programme": zh ? "保障类型" : "Programme"
        case "places": zh ? "房源数" : "Places"
        case "rank": zh ? "顺位" : "Rank"
        case "seq": zh ? "序号" : "No."
        case "outcome_before": zh ? "更正前结果" : "Outcome before"
        case "project_before": zh ? "更正前项目" : "Project before"
        case "outcome_after": zh ? "更正后结果" : "Outcome after"
        case "project_after": zh ? "更正后项目" : "Project after"
        case "objection_id": zh ? "异议编号" : "Objection"
        case "reason": zh ? "更正原因" : "Reason"
        default: name
        }
    }

    func value(_ column: String, _ value: String) -> String {
        if column == "outcome_before" || column == "outcome_after" { return self.value("outcome", value) }
        if column == "reason", let reason = CorrectionReason(rawValue: value) { return zh ? reason.chinese : reason.english }
        return switch (column, value) {
        case ("outcome", "offered"): zh ? "配租" : "offered"
        case ("outcome", "unmatched"): zh ? "未配上" : "not matched"
        case ("outcome", "ineligible"): zh ? "无符合条件房源" : "eligible for no place"
        case ("category", "youth_talent"): zh ? "青年人才" : "youth talent"
        case ("category", "frontline_worker"): zh ? "一线职工" : "frontline worker"
        case ("category", "general"): zh ? "一般" : "general"
        default: value
        }
    }

    func fact(_ key: String) -> String {
        switch key {
        case "round_date": zh ? "轮次日期" : "Round date"
        case "mechanism": zh ? "分配机制" : "Mechanism"
        case "frozen_at": zh ? "冻结时间" : "Frozen at"
        case "drawn_at": zh ? "摇号时间" : "Drawn at"
        case "corrected_at": zh ? "更正时间" : "Corrected at"
        case "corrections": zh ? "摇号后更正数" : "Corrections after the draw"
        case "snapshot_digest": zh ? "数据快照摘要" : "Snapshot digest"
        case "applicants": zh ? "申请人" : "Applicants"
        case "places": zh ? "房源" : "Places"
        case "offered": zh ? "配租" : "Offered"
        case "unmatched": zh ? "未配上" : "Not matched"
        case "ineligible": zh ? "无符合条件房源" : "Eligible for no place"
        case "formula": zh ? "公式" : "Formula"
        case "bureau_commitment": zh ? "主管部门承诺值（SHA-256）" : "Bureau's commitment (SHA-256)"
        case "public_source": zh ? "公开数值来源" : "Public value source"
        case "public_date": zh ? "公开数值日期" : "Public value date"
        case "bureau_secret": zh ? "主管部门密值" : "Bureau's secret"
        case "public_value": zh ? "公开数值" : "Public value"
        case "seed": zh ? "随机种子" : "Seed"
        case "pre_draw_notice": zh ? "摇号前公示 SHA-256" : "Pre-draw notice SHA-256"
        case "priority_order": zh ? "优先顺序" : "Priority order"
        default: key
        }
    }
}

/// The notice pages' HTML: no script, one stylesheet, every value escaped.
enum NoticePageHTML {
    static func escape(_ text: String) -> String { StatusPageHTML.escape(text) }
    static func attribute(_ text: String) -> String { StatusPageHTML.attribute(text) }

    static func document(_ title: String, _ body: String, _ text: NoticeText) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(text.language.rawValue)">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title><link rel="stylesheet" href="/notices.css"></head>
        <body><main>
        <p class="crumbs"><a href="/notices">\(escape(text.allNotices))</a></p>
        \(body)
        </main></body></html>

        """
    }

    static func message(_ message: String, _ text: NoticeText) -> String {
        document(text.siteTitle, "<h1>\(escape(text.siteTitle))</h1>\n<p>\(escape(message))</p>", text)
    }

    static func rounds(_ rounds: [(roundID: String, lastPublished: String)], _ text: NoticeText) -> String {
        var body = "<h1>\(escape(text.siteTitle))</h1>\n"
        if rounds.isEmpty { body += "<p>\(escape(text.noNotices))</p>\n" }
        body += "<ul>\n"
        for r in rounds {
            body += "<li><a href=\"/notices/\(attribute(path(r.roundID)))\">\(escape(text.round(r.roundID)))</a> · \(escape(r.lastPublished))</li>\n"
        }
        return document(text.siteTitle, body + "</ul>", text)
    }

    static func round(_ roundID: String, _ list: [NoticeInfo], _ text: NoticeText) -> String {
        var body = "<h1>\(escape(text.round(roundID)))</h1>\n<ul>\n"
        for n in list.reversed() {
            body += "<li><a href=\"\(attribute(noticePath(n)))\">\(escape(text.kind(n.kind)))</a> · \(escape(n.publishedAt)) · "
                + (n.supersededBy == nil ? escape(text.current) : "<span class=\"superseded\">\(escape(text.superseded))</span>")
                + "<br><code>\(escape(n.sha256))</code></li>\n"
        }
        return document(text.round(roundID), body + "</ul>", text)
    }

    static func notice(
        _ info: NoticeInfo, list: [NoticeInfo], json: [UInt8], tableName: String,
        table: (header: [String], rows: [[String]]), page requested: Int, ref: String?, _ text: NoticeText
    ) -> String {
        let title = text.kind(info.kind) + " · " + text.round(info.roundID)
        var body = "<p class=\"crumbs\"><a href=\"/notices/\(attribute(path(info.roundID)))\">\(escape(text.round(info.roundID)))</a></p>\n"
        body += "<h1>\(escape(title))</h1>\n"
        if let newer = info.supersededBy, let current = list.first(where: { $0.noticeID == newer }) {
            body += "<p class=\"banner\">\(escape(text.supersededBanner)) <a href=\"\(attribute(noticePath(current)))\">\(escape(current.sha256))</a></p>\n"
        }
        let notice = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any] ?? [:]
        if let older = info.supersedes, let old = list.first(where: { $0.noticeID == older }) {
            body += "<p class=\"banner\">\(escape(text.supersedes)) <a href=\"\(attribute(noticePath(old)))\">\(escape(old.sha256))</a>"
            if info.kind == .result { body += "<br>" + escape(text.correctedBanner(notice["corrections"] as? Int ?? 0)) }
            body += "</p>\n"
        }
        var facts: [(String, String)] = [
            (text.published, info.publishedAt), (text.objections(days: info.objectionDays), info.objectionsCloseAt), (text.noticeSHA, info.sha256),
        ]
        for key in ["round_date", "mechanism", "frozen_at", "drawn_at", "corrected_at", "snapshot_digest", "priority_order"] {
            if let value = notice[key] as? String { facts.append((text.fact(key), value)) }
        }
        if let n = notice["corrections"] as? Int { facts.append((text.fact("corrections"), String(n))) }
        if let counts = notice["counts"] as? [String: Any] {
            for key in ["applicants", "places", "offered", "unmatched", "ineligible"] {
                if let n = counts[key] as? Int { facts.append((text.fact(key), String(n))) }
            }
        }
        body += definitionList(facts)
        if let recipe = notice["seed_recipe"] as? [String: Any] {
            var seed: [(String, String)] = []
            for key in ["formula", "bureau_commitment", "public_source", "public_date"] {
                seed.append((text.fact(key), recipe[key] as? String ?? ""))
            }
            for w in recipe["witnesses"] as? [[String: Any]] ?? [] {
                seed.append(("\(w["name"] as? String ?? "") (SHA-256)", w["commitment"] as? String ?? ""))
            }
            if let revealed = notice["revealed"] as? [String: Any] {
                seed.append((text.fact("bureau_secret"), revealed["bureau_secret"] as? String ?? ""))
                seed.append((text.fact("public_value"), revealed["public_value"] as? String ?? ""))
                for w in revealed["witnesses"] as? [[String: Any]] ?? [] {
                    seed.append((w["name"] as? String ?? "", w["secret"] as? String ?? ""))
                }
                seed.append((text.fact("seed"), notice["seed"] as? String ?? ""))
                seed.append((text.fact("pre_draw_notice"), notice["pre_draw_notice"] as? String ?? ""))
            }
            body += "<h2>\(escape(text.seedHeading))</h2>\n" + definitionList(seed)
        }
        body += "<h2>\(escape(text.downloads))</h2>\n<ul class=\"downloads\">\n"
        for name in (["notice.json"] + info.tables + ["manifest.json"]) {
            body += "<li><a href=\"\(attribute(noticePath(info) + "/" + name))\">\(escape(name))</a>"
            if name.hasSuffix(".csv") {
                let json = NoticeRowsJSON.name(forTable: name)
                body += " · <a href=\"\(attribute(noticePath(info) + "/" + json))\">\(escape(json))</a>"
            }
            body += "</li>\n"
        }
        body += "</ul>\n<p class=\"small\">\(escape(text.jsonHint))</p>\n<p class=\"small\">\(escape(text.verifyHint))</p>\n"
        body += "<nav class=\"tabs\">"
        for name in info.tables {
            body += name == tableName
                ? "<strong>\(escape(text.table(name)))</strong> "
                : "<a href=\"\(attribute(noticePath(info) + "?table=" + name))\">\(escape(text.table(name)))</a> "
        }
        body += "</nav>\n"
        body += """
            <form method="get" action="\(attribute(noticePath(info)))" class="search">
            <input type="hidden" name="table" value="\(attribute(tableName))">
            <label for="ref">\(escape(text.reference))</label>
            <input id="ref" name="ref" value="\(attribute(ref ?? ""))" autocomplete="off">
            <button type="submit">\(escape(text.searchButton))</button>
            </form>

            """
        let refColumn = table.header.firstIndex(of: "applicant_id")
        let rows: ArraySlice<[String]>
        var pager = ""
        if let ref {
            let matching = refColumn.map { c in table.rows.filter { $0.count > c && $0[c] == ref } } ?? []
            rows = matching[...]
            if matching.isEmpty { body += "<p>\(escape(text.noMatch(ref)))</p>\n" }
        } else {
            let pages = max(1, (table.rows.count + NoticePages.pageSize - 1) / NoticePages.pageSize)
            let page = min(requested, pages)
            let start = (page - 1) * NoticePages.pageSize
            rows = table.rows[start..<min(table.rows.count, start + NoticePages.pageSize)]
            let base = noticePath(info) + "?table=" + tableName + "&page="
            pager = "<nav class=\"pager\">"
                + (page > 1 ? "<a href=\"\(attribute(base + String(page - 1)))\" rel=\"prev\">\(escape(text.previous))</a> " : "")
                + "<span>\(escape(text.pageOf(page, pages, table.rows.count)))</span>"
                + (page < pages ? " <a href=\"\(attribute(base + String(page + 1)))\" rel=\"next\">\(escape(text.next))</a>" : "")
                + "</nav>\n"
        }
        body += "<h2>\(escape(text.table(tableName)))</h2>\n" + pager
        body += "<table>\n<thead><tr>" + table.header.map { "<th scope=\"col\">\(escape(text.column($0)))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            body += "<tr>" + zip(table.header, row).map { "<td>\(escape(text.value($0, $1)))</td>" }.joined() + "</tr>\n"
        }
        body += "</tbody>\n</table>\n" + pager
        return document(title, body, text)
    }

    static func definitionList(_ facts: [(String, String)]) -> String {
        "<dl>\n" + facts.map { "<dt>\(escape($0.0))</dt><dd>\(escape($0.1))</dd>\n" }.joined() + "</dl>\n"
    }

    /// A round id in a path (ids are contract identifiers: nothing to encode, but never trust).
    static func path(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? ""
    }

    static func noticePath(_ n: NoticeInfo) -> String { "/notices/\(path(n.roundID))/\(n.noticeID)" }

    static let css = """
        :root { color-scheme: light dark; --accent: #0b6e4f; --warn: #b00020; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC", sans-serif; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.35rem; color: var(--accent); }
        h2 { font-size: 1.1rem; margin-top: 1.5rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; word-break: break-all; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid #999; padding: 0.2rem 0.4rem; text-align: left; font-variant-numeric: tabular-nums; }
        .banner { padding: 0.75rem; border: 2px solid var(--warn); }
        .banner a { word-break: break-all; }
        .superseded { color: var(--warn); }
        .small, .crumbs { font-size: 0.9rem; }
        .search { margin: 1rem 0; display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
        .pager { margin: 0.5rem 0; }
        code { word-break: break-all; }
        @page { size: A4; margin: 15mm; }
        @media print {
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          .search, .tabs, .pager a, .crumbs, .downloads { display: none; }
          a { color: inherit; text-decoration: none; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; }
        }

        """
}
