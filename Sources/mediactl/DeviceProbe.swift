import AssetCore
import Foundation

/// Reads a plugged-in device's identity from sysfs, for `media register --device`: a sysfs path of
/// the device (or anything below it), or a block device node such as /dev/sdb.
enum DeviceProbe {
    struct Identity {
        var vendorID: String
        var productID: String
        var serial: String?
        var capacityBytes: UInt64?
        var manufacturer: String?
        var product: String?
    }

    static func identity(of path: String) throws(LedgerError) -> Identity {
        var start: String
        var capacity: UInt64? = nil
        if path.hasPrefix("/dev/") {
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFBLK else {
                throw LedgerError(.notFound, zh: "\(path) 不是块设备", en: "\(path) is not a block device")
            }
            let major = (info.st_rdev >> 8) & 0xFFF | ((info.st_rdev >> 32) & ~0xFFF)
            let minor = (info.st_rdev & 0xFF) | ((info.st_rdev >> 12) & ~0xFF)
            start = resolve("/sys/dev/block/\(major):\(minor)")
            capacity = read(start + "/size").flatMap { UInt64($0) }.map { $0 * 512 }
        } else {
            start = resolve(path)
        }
        var directory = start
        while directory.count > "/sys/devices".count {
            if FileManager.default.fileExists(atPath: directory + "/idVendor") {
                guard let vendor = read(directory + "/idVendor").flatMap(HardwareIdentity.normaliseUSBID),
                      let product = read(directory + "/idProduct").flatMap(HardwareIdentity.normaliseUSBID) else { break }
                var serial: String? = nil
                if let bytes = FileManager.default.contents(atPath: directory + "/serial").map(Array.init) {
                    serial = SafeText.attribute(bytes)
                }
                return Identity(vendorID: vendor, productID: product, serial: serial, capacityBytes: capacity,
                                manufacturer: read(directory + "/manufacturer"), product: read(directory + "/product"))
            }
            directory = (directory as NSString).deletingLastPathComponent
        }
        throw LedgerError(.notFound, zh: "在 \(path) 之上找不到 USB 设备", en: "no USB device found at or above \(path)")
    }

    private static func resolve(_ path: String) -> String {
        (path as NSString).resolvingSymlinksInPath
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
