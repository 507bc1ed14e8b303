import AssetCore

extension Render {
    /// `bundle show` and `bundle export`: what a bundle says of itself, and whether its signature holds.
    func bundle(_ s: BundleSummary) -> Fields {
        let kind: String = switch s.kind {
        case .ledgerBundle: t("台账数据包（中心 → 计算机）", "ledger bundle (hub → computer)")
        case .recordBundle: t("记录数据包（计算机 → 中心）", "records bundle (computer → hub)")
        default: t("入网申请（计算机 → 中心）", "enrolment request (computer → hub)")
        }
        var pairs: [(String, String)] = [(t("类型", "Kind"), kind)]
        if let unit = s.unit { pairs.append((t("单位", "Unit"), unit)) }
        pairs.append((t("计算机", "Computer"), s.computer))
        pairs.append((t("生成时间", "Written at"), stamp(s.createdAt)))
        pairs.append((t("签名密钥指纹", "Signed by (fingerprint)"), s.signer))
        pairs.append((t("签名", "Signature"), s.signatureValid ? t("有效", "valid") : t("无效：内容已被改动或签名不符", "NOT valid: altered, or not signed by that key")))
        switch s.kind {
        case .ledgerBundle:
            pairs.append((t("台账版本", "Ledger versions"), "\(s.fromVersion ?? 0) → \(s.toVersion ?? 0)"))
            pairs.append((t("变更集", "Change sets"), String(s.changeSets ?? 0)))
            if let parts = s.snapshotParts, parts > 0 { pairs.append((t("快照（部分）", "Snapshot (parts)"), String(parts))) }
            pairs.append((t("记录回执", "Receipt for records"), s.receiptSeq.map { t("至第 \($0) 条", "up to record \($0)") } ?? t("无", "none")))
            pairs.append((t("含入网应答", "Carries enrolment"), s.enrolment == true ? t("是", "yes") : t("否", "no")))
        case .recordBundle:
            pairs.append((t("本机持有台账版本", "Ledger version held"), String(s.toVersion ?? 0)))
            pairs.append((t("记录批次", "Record batches"), String(s.batches ?? 0)))
            let range = s.firstSeq.map { first in " (\(first)–\(s.lastSeq ?? first))" } ?? ""
            pairs.append((t("记录", "Records"), String(s.records ?? 0) + range))
        default:
            break
        }
        return Fields(pairs)
    }

    /// `bundle import` on a computer.
    func computerImport(_ o: BundleImport, eventsOut: String) -> Fields {
        let m = o.membership
        var pairs: [(String, String)] = [(t("单位", "Unit"), m.unit), (t("计算机", "Computer"), m.computer)]
        if o.joined { pairs.append((t("加入单位", "Joined the unit"), t("是（单位密钥指纹 \(UnitKey.fingerprint(m.unitKey))）", "yes (unit key \(UnitKey.fingerprint(m.unitKey)))"))) }
        pairs.append((t("台账版本", "Ledger version"), o.applied.isEmpty
            ? t("\(m.ledgerVersion)（已持有，未作变更）", "\(m.ledgerVersion) (already held, nothing changed)")
            : t("\(m.ledgerVersion)（应用了 \(o.applied.count) 项变更）", "\(m.ledgerVersion) (\(o.applied.count) applied)")))
        pairs.append((t("中心已确认记录", "Records acknowledged"), String(m.acknowledged)))
        pairs.append((t("带回的记录", "Records to carry back"), String(o.recordCount)))
        if m.head > m.acknowledged + Int64(o.recordCount) {
            pairs.append((t("下次带回", "Left for the next bundle"), String(m.head - m.acknowledged - Int64(o.recordCount))))
        }
        pairs.append((t("记录数据包", "Records bundle"), eventsOut))
        return Fields(pairs)
    }

    /// `--hub bundle import`.
    func hubImport(_ o: HubBundleImport) -> Fields {
        var pairs: [(String, String)] = [(t("计算机", "Computer"), o.computer), (t("计算机密钥指纹", "Computer key fingerprint"), o.keyFingerprint)]
        switch o.kind {
        case .enrolment:
            pairs.append((t("结果", "Outcome"), t("已作为单机加入单位", "enrolled as a standalone computer")))
        case .records:
            pairs.append((t("数据包中的记录", "Records in the bundle"), String(o.records)))
            pairs.append((t("新存入", "Stored now"), String(o.stored)))
            pairs.append((t("已存过（跳过）", "Already held (skipped)"), String(o.duplicates)))
            if !o.missing.isEmpty {
                let ranges = o.missing.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)–\($0.upperBound)" }
                pairs.append((t("缺失的记录（已记为违规）", "Records missing (entered as violations)"), ranges.joined(separator: ", ")))
            }
            if !o.altered.isEmpty {
                pairs.append((t("被改动的记录（已记为违规）", "Records altered (entered as violations)"), o.altered.map(String.init).joined(separator: ", ")))
            }
            pairs.append((t("计算机持有台账版本", "Ledger version it holds"), o.ledgerVersion.map(String.init) ?? ""))
            pairs.append((t("中心已存至", "Stored up to record"), String(o.chainEnd)))
        }
        return Fields(pairs)
    }

    func hubImportStep(_ o: HubBundleImport) -> String {
        switch o.kind {
        case .enrolment:
            t("下一步：为其导出第一个台账数据包：\n", "Next: export its first ledger bundle:\n")
                + "  mediactl --hub bundle export --for \(o.computer) --output \(o.computer).bundle\n"
        case .records:
            t("回执随下一个台账数据包带给该计算机。\n", "The receipt goes to the computer with its next ledger bundle.\n")
        }
    }
}
