import AssetCore

/// How a check looks on a terminal: a summary line, then its media in three small tables.
struct CheckView {
    let render: Render

    private func t(_ zh: String, _ en: String) -> String { render.t(zh, en) }

    func summary(_ status: CheckStatus) {
        let c = status.check
        Output.print(t("清查核对 #\(c.id)：\(c.scope.names.zh)，检查人 \(c.checker)，开始于 \(render.stamp(c.startedAt))，\(c.state.names.zh)\n",
                       "check #\(c.id): \(c.scope.names.en), checker \(c.checker), started \(render.stamp(c.startedAt)), \(c.state.names.en)\n"))
        Output.print(t("应清查 \(c.expected)，已见 \(status.seen.count)，未见 \(status.notSeen.count)，范围外见到 \(status.outside.count)\n",
                       "expected \(c.expected), seen \(status.seen.count), not seen \(status.notSeen.count), seen outside the scope \(status.outside.count)\n"))
    }

    func status(_ status: CheckStatus) throws {
        summary(status)
        try list(t("已见", "Seen"), status.seen)
        try list(t("未见", "Not seen"), status.notSeen)
        try list(t("范围外见到", "Seen outside the scope"), status.outside)
    }

    func finished(_ status: CheckStatus) throws {
        summary(status)
        if status.violations.isEmpty {
            Output.print(t("应清查介质均已见到，未发现违规\n", "every medium expected was seen; no violation\n"))
            return
        }
        Output.print(t("已登记 \(status.violations.count) 起违规，请查处（mediactl violations list --open）：\n",
                       "\(status.violations.count) violations recorded, to follow up (mediactl violations list --open):\n"))
        let header = ["#", t("类型", "TYPE"), t("严重程度", "SEVERITY"), t("介质", "MEDIUM"), t("人员", "PERSON")]
        let rows = status.violations.map { v in
            [String(v.id ?? 0), v.type.rawValue, v.severity.names.text(render.language), v.mediumNumber ?? "", v.person ?? ""]
        }
        try render.print(SmallTable(header: header, rows: rows))
    }

    private func list(_ title: String, _ lines: [CheckLine]) throws {
        guard !lines.isEmpty else { return }
        Output.print("\n\(title)\n")
        let header = [t("统一编号", "NUMBER"), t("责任人", "HOLDER"), t("部门", "DEPARTMENT"), t("状态", "STATE"),
                      t("方式", "HOW"), t("时间", "SEEN AT"), t("裁决", "VERDICT")]
        let rows = lines.map { l in
            [l.number, l.holder ?? "", l.department ?? "", l.state.name(render.language), l.how?.names.text(render.language) ?? "",
             l.seenAt.map(render.stamp) ?? "", l.decision.map { $0 == .allow ? t("允许", "allow") : t("阻断", "block") } ?? ""]
        }
        try render.print(SmallTable(header: header, rows: rows))
    }
}
