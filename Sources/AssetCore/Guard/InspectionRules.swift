/// The rules of 保密检查 (M19), one function per item, each saying why and what to do.
public enum Inspection {
    /// An open violation older than this many days fails the inspection (it should have been handled).
    public static let openViolationDays = 30
    /// A media check (清查) must have finished within this many months.
    public static let checkMonths = 6

    /// Every item, in `InspectionCheck` order.
    public static func judge(_ facts: InspectionFacts) -> [InspectionItem] {
        InspectionCheck.allCases.map { check in
            switch check {
            case .guardRunning: guardItem(facts.live)
            case .host: hostItem(facts.host)
            case .links: linksItem(facts.live)
            case .devices: devicesItem(facts.live)
            case .trail: trailItem(facts.trail)
            case .gaps: gapsItem(facts)
            case .violations: violationsItem(facts)
            case .loans: loansItem(facts)
            case .departed: departedItem(facts.heldByDeparted)
            case .mediaCheck: mediaCheckItem(facts)
            case .clock: clockItem(facts)
            }
        }
    }

    /// Fail when any item fails, warn when any warns, else pass.
    public static func result(_ items: [InspectionItem]) -> InspectionStatus {
        items.map(\.status).max() ?? .pass
    }

    static let notRunning = Bilingual(zh: "mediad 未运行或无法连接，无法检查", en: "mediad is not running / not reachable, so this cannot be checked")
    static let startGuard = Bilingual(zh: "启动 mediad（systemctl start mediad），并在不带 --db 的情况下重新检查",
                                      en: "start mediad (systemctl start mediad) and inspect again without --db")

    static func guardItem(_ live: LiveFacts?) -> InspectionItem {
        guard let live else { return InspectionItem(.guardRunning, .fail, notRunning, action: startGuard) }
        var zh: [String] = [], en: [String] = []
        if live.mode == .audit { zh.append("处于审计模式（只记录不阻断）"); en.append("it runs in audit mode (records, blocks nothing)") }
        if !live.lockdown { zh.append("未锁定端口（新设备在裁决前即可使用）"); en.append("lockdown is off (a new device is usable before it is judged)") }
        if live.lockdown, !live.openRootHubs.isEmpty {
            let hubs = live.openRootHubs.sorted().joined(separator: ", ")
            zh.append("根集线器 \(hubs) 的 authorized_default 不为 0（锁定被绕过）")
            en.append("root hub \(hubs) has authorized_default other than 0 (the lockdown was undone)")
        }
        guard zh.isEmpty else {
            return InspectionItem(.guardRunning, .fail, Bilingual(zh: "mediad 在运行，但" + zh.joined(separator: "，"),
                                                                  en: "mediad runs, but " + en.joined(separator: " and ")),
                                  action: Bilingual(zh: "在 /etc/mediad.conf 中设置 mode = enforce、lockdown = yes，然后重启 mediad",
                                                    en: "set mode = enforce and lockdown = yes in /etc/mediad.conf, then restart mediad"))
        }
        return InspectionItem(.guardRunning, .pass, Bilingual(zh: "mediad 运行中，强制模式，端口已锁定", en: "mediad runs, enforcing, locked down"))
    }

    static func hostItem(_ host: Computer?) -> InspectionItem {
        guard let host else {
            return InspectionItem(.host, .fail, Bilingual(zh: "本机未登记", en: "this computer is not registered"),
                                  action: Bilingual(zh: "用 mediactl host set 登记本机的编号、密级、网络类型和责任人",
                                                    en: "register it with mediactl host set (asset number, level, network, holder)"))
        }
        guard let holder = host.holder, !holder.isEmpty else {
            return InspectionItem(.host, .fail, Bilingual(zh: "本机 \(host.assetNumber) 未登记责任人", en: "\(host.assetNumber) has no holder on record"),
                                  action: Bilingual(zh: "mediactl host set --holder <人员编号>", en: "mediactl host set --holder <person id>"))
        }
        if let problem = host.isolationProblem {
            return InspectionItem(.host, .fail, problem,
                                  action: Bilingual(zh: "核实本机网络类型；涉密计算机不得连接互联网", en: "correct the network type; a classified computer must not be online"))
        }
        return InspectionItem(.host, .pass, Bilingual(
            zh: "\(host.assetNumber)：\(host.level.name(.zh))，\(host.network.name(.zh))，责任人 \(holder)",
            en: "\(host.assetNumber): \(host.level.name(.en)), \(host.network.name(.en)), holder \(holder)"))
    }

    static func linksItem(_ live: LiveFacts?) -> InspectionItem {
        guard let live else { return InspectionItem(.links, .fail, notRunning, action: startGuard) }
        guard live.linkWatch else {
            return InspectionItem(.links, .fail, Bilingual(zh: "mediad 未监控网络连接（rtnetlink 无法打开）", en: "mediad does not watch the network links (rtnetlink could not be opened)"),
                                  action: Bilingual(zh: "查看 mediad 的日志（journalctl -u mediad）并重启 mediad", en: "read mediad's log (journalctl -u mediad) and restart it"))
        }
        let breaking = live.links.filter { $0.verdict?.decision == .cut }.map(\.link.name).sorted()
        guard breaking.isEmpty else {
            let names = breaking.joined(separator: ", ")
            return InspectionItem(.links, .fail, Bilingual(zh: "网络连接违反本机网络类型：\(names)", en: "links break the network profile: \(names)"),
                                  action: Bilingual(zh: "断开这些连接，查明原因后按违规处理（mediactl violations list）",
                                                    en: "disconnect them, find out why, and handle the violation (mediactl violations list)"))
        }
        return InspectionItem(.links, .pass, Bilingual(zh: "\(live.links.count) 个网络接口，均符合要求", en: "\(live.links.count) interfaces, none breaks the profile"))
    }

    static func devicesItem(_ live: LiveFacts?) -> InspectionItem {
        guard let live else { return InspectionItem(.devices, .fail, notRunning, action: startGuard) }
        guard live.devicesListed else {
            return InspectionItem(.devices, .fail, Bilingual(zh: "无法列出 sysfs 中的 USB 设备，无法检查", en: "the USB devices in sysfs could not be listed, so this cannot be checked"),
                                  action: Bilingual(zh: "查看 mediad 的日志（journalctl -u mediad）", en: "read mediad's log (journalctl -u mediad)"))
        }
        var unallowed: [String] = [], blocked: [String] = [], unsure: [String] = []
        for device in live.devices.sorted(by: { $0.port < $1.port }) {
            switch (device.authorized, device.decision) {
            case (true, .allow): continue
            case (true, _): unallowed.append(device.label + (device.audited ? " [audit]" : ""))
            case (false, .block), (false, nil): blocked.append(device.label)
            // Unreadable and not allowed: it may be usable, and an inspection never assumes the good case.
            case (nil, .block), (nil, nil): unallowed.append(device.label + " [authorized?]")
            default: unsure.append(device.label)
            }
        }
        if !unallowed.isEmpty {
            let list = unallowed.joined(separator: ", ")
            return InspectionItem(.devices, .fail, Bilingual(zh: "设备可用但没有准许裁决（可能被绕过监控授权）：\(list)",
                                                             en: "usable without a stored allow verdict (authorized behind the guard's back?): \(list)"),
                                  action: Bilingual(zh: "立即拔出该设备，查明是谁授权的，并按违规处理", en: "unplug it now, find out who authorized it, and handle it as a violation"))
        }
        if !blocked.isEmpty || !unsure.isEmpty {
            let zh = (blocked.isEmpty ? [] : ["被阻断的设备仍插着：" + blocked.joined(separator: ", ")])
                + (unsure.isEmpty ? [] : ["无法确认授权状态：" + unsure.joined(separator: ", ")])
            let en = (blocked.isEmpty ? [] : ["blocked devices still plugged in: " + blocked.joined(separator: ", ")])
                + (unsure.isEmpty ? [] : ["authorization could not be confirmed: " + unsure.joined(separator: ", ")])
            return InspectionItem(.devices, .warn, Bilingual(zh: zh.joined(separator: "；"), en: en.joined(separator: "; ")),
                                  action: Bilingual(zh: "拔出这些设备；需要使用的介质先登记（mediactl media register）",
                                                    en: "unplug them; register a medium before it is used (mediactl media register)"))
        }
        return InspectionItem(.devices, .pass, Bilingual(zh: "\(live.devices.count) 个设备接入，可用的均已准许", en: "\(live.devices.count) devices attached, each usable one allowed"))
    }

    static func trailItem(_ trail: TrailVerification) -> InspectionItem {
        guard trail.intact else {
            let rows = trail.problems.prefix(5).map { "#\($0.rowID)" }.joined(separator: ", ")
            return InspectionItem(.trail, .fail, Bilingual(zh: "审计日志被改动：\(trail.problems.count) 处异常（\(rows)）",
                                                           en: "the admin trail was altered: \(trail.problems.count) problems (\(rows))"),
                                  action: Bilingual(zh: "用 mediactl audit verify 查看，报告保密员并保全台账文件", en: "see mediactl audit verify; tell the security officer and keep a copy of the ledger"))
        }
        return InspectionItem(.trail, .pass, Bilingual(zh: "\(trail.rowCount) 条，哈希链完整", en: "\(trail.rowCount) rows, hash chain unbroken"))
    }

    static func gapsItem(_ facts: InspectionFacts) -> InspectionItem {
        let since = facts.lastInspection.map { Bilingual(zh: "自上次检查（\($0)）以来", en: "since the last inspection (\($0))") }
            ?? Bilingual(zh: "台账中", en: "on record")
        guard let last = facts.gapsSinceLastInspection.max() else {
            return InspectionItem(.gaps, .pass, Bilingual(zh: since.zh + "无监控中断", en: "no guard gap " + since.en))
        }
        return InspectionItem(.gaps, .fail, Bilingual(zh: since.zh + "监控中断 \(facts.gapsSinceLastInspection.count) 次，最近一次 \(last)",
                                                      en: "\(facts.gapsSinceLastInspection.count) guard gaps \(since.en), the last at \(last)"),
                              action: Bilingual(zh: "查明 mediad 为何未正常停止（断电、被结束），确认相应违规", en: "find out why mediad did not stop cleanly (power, killed) and acknowledge the violation"))
    }

    static func violationsItem(_ facts: InspectionFacts) -> InspectionItem {
        guard let oldest = facts.oldestOpenViolation else {
            return InspectionItem(.violations, .pass, Bilingual(zh: "没有未处置的违规", en: "no open violation"))
        }
        let age = facts.now.secondsSinceEpoch - oldest.at.secondsSinceEpoch
        let days = Int(age / 86_400)
        // Older than 30 days to the second: 30 days and an hour is too long, though it prints as 30.
        guard age > Int64(openViolationDays) * 86_400 else {
            return InspectionItem(.violations, .pass, Bilingual(zh: "最早的未处置违规 #\(oldest.id) 已 \(days) 天（未超过 \(openViolationDays) 天）",
                                                                en: "the oldest open violation, #\(oldest.id), is \(days) days old (within \(openViolationDays))"))
        }
        return InspectionItem(.violations, .fail, Bilingual(zh: "违规 #\(oldest.id) 自 \(oldest.at) 起 \(days) 天未处置", en: "violation #\(oldest.id) open for \(days) days, since \(oldest.at)"),
                              action: Bilingual(zh: "处置并确认：mediactl violations ack \(oldest.id) --note …", en: "handle and acknowledge it: mediactl violations ack \(oldest.id) --note …"))
    }

    static func loansItem(_ facts: InspectionFacts) -> InspectionItem {
        let today = facts.now.localDay
        let overdue = facts.loans.filter { $0.due < today }.sorted { ($0.due, $0.number) < ($1.due, $1.number) }
        guard !overdue.isEmpty else { return InspectionItem(.loans, .pass, Bilingual(zh: "没有逾期未还的介质", en: "nothing overdue")) }
        let list = overdue.prefix(10).map { "\($0.number) (\($0.person), \($0.due))" }.joined(separator: ", ")
        return InspectionItem(.loans, .fail, Bilingual(zh: "\(overdue.count) 件介质逾期未还：\(list)", en: "\(overdue.count) media overdue: \(list)"),
                              action: Bilingual(zh: "催还并办理归还（mediactl media return）", en: "get them back and record the return (mediactl media return)"))
    }

    static func departedItem(_ held: [HeldByDeparted]) -> InspectionItem {
        guard !held.isEmpty else { return InspectionItem(.departed, .pass, Bilingual(zh: "离岗人员均未持有介质", en: "no one who has left holds media")) }
        let sorted = held.sorted { ($0.number, $0.person) < ($1.number, $1.person) }
        let list = sorted.prefix(10).map { "\($0.number) (\($0.person), \($0.departedOn))" }.joined(separator: ", ")
        return InspectionItem(.departed, .fail, Bilingual(zh: "\(held.count) 件介质仍由离岗人员持有：\(list)", en: "\(held.count) media held by people who have left: \(list)"),
                              action: Bilingual(zh: "清退：收回介质并办理交回或变更责任人", en: "recover them: record the hand-back or a new holder"))
    }

    static func mediaCheckItem(_ facts: InspectionFacts) -> InspectionItem {
        let action = Bilingual(zh: "组织一次介质清查（mediactl check start）", en: "run a media check (mediactl check start)")
        guard let last = facts.lastFinishedCheck else {
            return InspectionItem(.mediaCheck, .warn, Bilingual(zh: "没有已完成的介质清查记录", en: "no check on record"), action: action)
        }
        let day = last.localDay
        guard day >= monthsBefore(facts.now.localDay, checkMonths) else {
            return InspectionItem(.mediaCheck, .fail, Bilingual(zh: "最近一次清查于 \(day) 完成，已超过\(checkMonths)个月", en: "the last check finished on \(day), over \(checkMonths) months ago"),
                                  action: action)
        }
        return InspectionItem(.mediaCheck, .pass, Bilingual(zh: "最近一次清查于 \(day) 完成", en: "the last check finished on \(day)"))
    }

    static func clockItem(_ facts: InspectionFacts) -> InspectionItem {
        guard let newest = facts.newestRecord, facts.now < newest else {
            return InspectionItem(.clock, .pass, Bilingual(zh: "系统时间 \(facts.now)", en: "the clock reads \(facts.now)"))
        }
        return InspectionItem(.clock, .fail, Bilingual(zh: "系统时间 \(facts.now) 早于台账最新记录 \(newest)", en: "the clock reads \(facts.now), before the ledger's newest record at \(newest)"),
                              action: Bilingual(zh: "校正系统时间（时间被回拨会使记录顺序失真），报告保密员", en: "correct the clock (turned back, it garbles the records' order) and tell the security officer"))
    }

    /// The same day `months` months earlier, or the month's last day when it has fewer days.
    static func monthsBefore(_ day: Day, _ months: Int) -> Day {
        let index = day.year * 12 + (day.month - 1) - months
        let year = index / 12, month = index % 12 + 1
        return Day(year: year, month: month, day: min(day.day, Day.daysIn(month: month, year: year)))!
    }
}
