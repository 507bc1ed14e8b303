import AssetCore
import Foundation

/// Bundle files on the medium: read whole (refused when larger than a bundle may be), written under a
/// temporary name and renamed once complete and synced, so a medium pulled out early never holds a
/// file that looks whole.
enum BundleFiles {
    static func read(_ path: String, session: Session) throws -> Data {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.intValue else {
            throw session.fail(LedgerError(.notFound, zh: "找不到数据包文件 \(path)", en: "no bundle file at \(path)"))
        }
        guard size <= BundleFile.maximumBytes else {
            throw session.fail(UnitError.notABundle("\(size) bytes, more than the \(BundleFile.maximumBytes) a bundle may have").ledgerError)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw session.fail(LedgerError(.storage, zh: "无法读取 \(path)", en: "cannot read \(path)"))
        }
        return data
    }

    static func write(_ payload: SignedPayload, to path: String, session: Session) throws {
        let data: Data
        do { data = try BundleFile.bytes(payload) } catch { throw session.fail(error.ledgerError) }
        let partial = path + ".partial"
        let fd = open(partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw session.fail(cannot("create", partial)) }
        var written = 0
        let ok = data.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        // The reason is read from errno where the step failed, before close or unlink can change it.
        let failed = ok ? nil : cannot("write", path)
        close(fd)
        if let failed {
            unlink(partial)
            throw session.fail(failed)
        }
        guard rename(partial, path) == 0 else {
            let failed = cannot("write", path)
            unlink(partial)
            throw session.fail(failed)
        }
    }

    /// Where a computer's records bundle goes when `--events-out` is not given: beside the ledger
    /// bundle, named for the computer and its newest record.
    static func besides(_ file: String, computer: String, head: Int64) -> String {
        let folder = (file as NSString).deletingLastPathComponent
        let name = "\(computer.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })-records-\(head).bundle"
        return folder.isEmpty ? name : folder + "/" + name
    }

    static func summary(_ payload: SignedPayload, session: Session) throws -> BundleSummary {
        do { return try BundleSummary.of(payload) } catch { throw session.fail(error.ledgerError) }
    }

    private static func cannot(_ verb: String, _ path: String) -> LedgerError {
        let reason = String(cString: strerror(errno))
        return verb == "create"
            ? LedgerError(.storage, zh: "无法创建 \(path)：\(reason)", en: "cannot create \(path): \(reason)")
            : LedgerError(.storage, zh: "无法写入 \(path)：\(reason)", en: "cannot write \(path): \(reason)")
    }
}
