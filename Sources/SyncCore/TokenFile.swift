import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The courier's token for the hub, kept in `STATE/token`, mode 0600, owned by the courier's user.
///
/// The token lets its holder read the unit ledger's change sets and post this computer's batches,
/// so a file others can read is refused (like mediad's key files) rather than used.
public struct TokenFile: Sendable {
    /// The account the service runs as; the token is handed to it when `enrol` runs as root.
    public static let serviceUser = "mediad-sync"

    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The token; errors say whether the computer is not enrolled yet or the file is wrong.
    public func read() throws(SyncError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT {
                throw SyncError(SyncExit.io, zh: "没有通行令牌 \(path)：本机尚未加入单位，请先运行 mediad-sync enrol",
                                en: "no courier token at \(path): this computer is not enrolled yet; run mediad-sync enrol")
            }
            throw unreadable
        }
        guard info.st_mode & 0o077 == 0 else {
            throw SyncError(SyncExit.io, zh: "通行令牌 \(path) 可被他人读取；请改为仅属主可读（chmod 600）",
                            en: "the courier token \(path) can be read by others; make it readable by its owner only (chmod 600)")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
              !token.isEmpty else { throw unreadable }
        return token
    }

    /// Checks, before anything irreversible, that the token can be written: enrolment spends the
    /// one-time code at the hub and pins the unit's key in mediad, and a token then lost to a
    /// read-only folder would leave a computer joined but mute.
    public func checkWritable() throws(SyncError) {
        try makeFolder()
        let probe = path + ".probe"
        let fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw unwritable(errno) }
        close(fd)
        unlink(probe)
    }

    /// Writes the token (beside, then renamed: never half a token); when run as root, the file is
    /// given to the service's user if that account exists.
    public func write(_ token: String) throws(SyncError) {
        try makeFolder()
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw unwritable(errno) }
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        var owned = true
        if geteuid() == 0, let owner = Self.account(Self.serviceUser) { owned = fchown(fd, owner.uid, owner.gid) == 0 }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, owned, synced, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw unwritable(code)
        }
    }

    /// Makes the state folder (0700, the service user's when run as root) if it is not there.
    private func makeFolder() throws(SyncError) {
        let folder = (path as NSString).deletingLastPathComponent
        var info = stat()
        if stat(folder, &info) == 0 { return }
        guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { throw unwritable(errno) }
        if geteuid() == 0, let owner = Self.account(Self.serviceUser) { _ = chown(folder, owner.uid, owner.gid) }
    }

    static func account(_ name: String) -> (uid: uid_t, gid: gid_t)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return (entry.pw_uid, entry.pw_gid)
    }

    private var unreadable: SyncError {
        SyncError(SyncExit.io, zh: "无法读取通行令牌 \(path)", en: "cannot read the courier token \(path)")
    }

    private func unwritable(_ code: Int32) -> SyncError {
        let reason = String(cString: strerror(code))
        return SyncError(SyncExit.io, zh: "无法写入通行令牌 \(path)（\(reason)）",
                         en: "cannot write the courier token \(path) (\(reason))")
    }
}
