import AssetCore
import Logging

/// `mediad-sync enrol`: joins this computer to the unit, once, with the hub's one-time code.
public enum Enrolment {
    /// What enrolment leaves behind, for the administrator to compare with the hub's screen.
    public struct Outcome: Sendable, Hashable {
        public var unit: String
        public var computer: String
        public var unitKeyFingerprint: String
    }

    /// mediad's public key (and the asset number it knows for this computer) → the hub, which
    /// answers the unit's key and the courier's token → mediad pins the key → the token is kept.
    /// The state folder is checked first: after the hub's answer the code is spent.
    public static func perform(code: String, computer: String?, mediad: MediadClient, hub: HubClient,
                               token: TokenFile) async throws -> Outcome {
        try token.checkWritable()
        let keyReply = try await mediad.call(.enrolmentKey)
        guard case .enrolmentKey(let known, let publicKey) = keyReply else {
            throw MediadError.unexpectedReply("\(keyReply)")
        }
        guard let asset = computer ?? known, !asset.isEmpty else {
            throw SyncError.usage(zh: "mediad 不知道本机的资产编号：请用 --computer 资产编号 指明（与中心登记的一致）",
                                  en: "mediad does not know this computer's asset number: give it with --computer ASSET (as registered at the hub)")
        }
        let answer = try await hub.enrol(EnrolmentRequest(computer: asset, code: code, publicKey: publicKey))
        let joined = try await mediad.call(.join(answer))
        guard case .membership = joined else { throw MediadError.unexpectedReply("\(joined)") }
        try token.write(answer.courierToken)
        return Outcome(unit: answer.unit, computer: answer.computer, unitKeyFingerprint: UnitKey.fingerprint(answer.unitKey))
    }
}

/// `mediad-sync status`: what mediad holds of the unit and whether the hub answers. Each half is
/// reported even when the other fails, since "which side is down" is the question asked.
public enum SyncStatus {
    public struct Report: Sendable {
        public var membership: Result<UnitMembership, MediadError>
        public var hub: Result<Int64, HubError>?

        /// 0 when both answered, else the first failure's status.
        public var exitCode: Int32 {
            if case .failure(let error) = membership { return error.exitCode }
            if case .failure(let error)? = hub { return error.exitCode }
            return SyncExit.ok
        }

        public func lines(_ language: Language, hubAddress: String?) -> [String] {
            var lines: [String] = []
            let zh = language == .zh
            switch membership {
            case .success(let member):
                lines.append((zh ? "单位：" : "unit: ") + "\(member.unit) (\(zh ? "密钥指纹" : "key") \(UnitKey.fingerprint(member.unitKey)))")
                lines.append((zh ? "计算机：" : "computer: ") + member.computer)
                lines.append((zh ? "台账版本：" : "ledger version: ") + "\(member.ledgerVersion)")
                lines.append((zh ? "待送记录：" : "records owed: ") + "\(member.owed) (\(zh ? "已写" : "written") \(member.head), \(zh ? "中心已确认" : "acknowledged") \(member.acknowledged))")
                lines.append((zh ? "最近变更：" : "last change: ") + (member.lastChangeAt.map { "\($0)" } ?? (zh ? "无" : "none")))
            case .failure(let error):
                lines.append("mediad: " + error.message.text(language))
            }
            switch hub {
            case .success(let version)?:
                lines.append((zh ? "中心：" : "hub: ") + "\(hubAddress ?? "") " + (zh ? "应答，台账版本 \(version)" : "answers, ledger version \(version)"))
            case .failure(let error)?:
                lines.append((zh ? "中心：" : "hub: ") + error.message.text(language))
            case nil:
                lines.append((zh ? "中心：未配置（sync.conf 中的 hub 与 ca）" : "hub: not configured (hub and ca in sync.conf)"))
            }
            return lines
        }
    }

    public static func gather(mediad: MediadClient, hub: HubClient?) async -> Report {
        let membership: Result<UnitMembership, MediadError>
        do { membership = .success(try await mediad.membership()) } catch { membership = .failure(error) }
        var health: Result<Int64, HubError>?
        if let hub {
            do { health = .success(try await hub.health()) } catch { health = .failure(error) }
        }
        return Report(membership: membership, hub: health)
    }
}
