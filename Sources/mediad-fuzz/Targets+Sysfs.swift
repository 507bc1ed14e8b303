import AssetCore
import HardwareProbe
import MediadCore
#if canImport(Glibc)
import Glibc
#endif

/// A USB device's sysfs directory, written from the fuzzer's bytes into a scratch tree and read
/// by the guard's own `ObservationReader` (through `SysfsDirectory`, as under the real /sys).
///
/// The input is the files' contents separated by 0x1E (ASCII record separator), in the order of
/// `SysfsTree.deviceFiles`, then six sections per interface directory: its name after `1-1:`, then
/// `SysfsTree.interfaceFiles`. An empty section leaves its file out, as a device may.
extension FuzzTarget {
    static let sysfsDevice = FuzzTarget(name: "sysfs-device", summary: "uevent and attributes of a USB device directory (ObservationReader)") { bytes in
        let sections = bytes.split(separator: SysfsTree.separator, omittingEmptySubsequences: false).map(Array.init)
        // The pure helpers on every section, whatever file it lands in.
        for section in sections {
            consume(FuzzEntryPoints.ueventDevtype(section))
            consume(Sysfs.hex(Sysfs.text(section), as: UInt16.self))
            consume(Sysfs.hex(Sysfs.text(section), as: UInt8.self))
            consume(SafeText.attribute(section))
            consume(FuzzEntryPoints.interfaceNumber(fromName: String(decoding: section, as: UTF8.self)))
        }
        let device = SysfsTree.shared.write(sections)
        consume(FuzzEntryPoints.observeUSBDevice(syspath: device, announced: false, properties: [:]))
    }
}

/// The scratch device directory, rewritten for every input. One per process; the harness runs
/// one input at a time.
final class SysfsTree: @unchecked Sendable {
    static let separator: UInt8 = 0x1E
    static let deviceFiles = ["uevent", "descriptors", "idVendor", "idProduct", "bcdDevice", "bDeviceClass",
                              "serial", "manufacturer", "product", "bConfigurationValue", "port/connect_type"]
    static let interfaceFiles = ["bInterfaceNumber", "bInterfaceClass", "bInterfaceSubClass", "bInterfaceProtocol", "interface"]
    /// Enough interfaces for every path of the reader; more would only slow each input down.
    static let maxInterfaces = 8

    static let shared = SysfsTree()

    /// `…/usb1/1-1`, the device's directory.
    let device: String
    /// What the last input created: its files, then its directories.
    private var created: [(path: String, directory: Bool)] = []

    private init() {
        // In memory where there is /dev/shm: every input is a dozen files made and removed.
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(base)/mediad-fuzz-sysfs-XXXXXX".utf8CString)
        let root = template.withUnsafeMutableBufferPointer { buffer -> String? in
            guard let made = mkdtemp(buffer.baseAddress!) else { return nil }
            return String(cString: made)
        }
        guard let root else { fatalError("harness: cannot make a scratch directory in \(base)") }
        Scratch.made(root)
        device = root + "/1-1"
        mkdir(device, 0o755)
        mkdir(device + "/port", 0o755)
    }

    /// Writes the sections as the device's files; returns the device's syspath.
    func write(_ sections: [[UInt8]]) -> String {
        // Files first, then the directories they were in (`created` is kept in that order).
        for entry in created {
            if entry.directory { rmdir(entry.path) } else { unlink(entry.path) }
        }
        created.removeAll(keepingCapacity: true)
        for (index, name) in Self.deviceFiles.enumerated() where index < sections.count {
            file(device + "/" + name, sections[index])
        }
        var rest = sections.dropFirst(Self.deviceFiles.count)
        var number = 0
        while !rest.isEmpty, number < Self.maxInterfaces {
            let group = Array(rest.prefix(1 + Self.interfaceFiles.count))
            rest = rest.dropFirst(group.count)
            let directory = device + "/1-1:" + Self.childName(group[0], number: number)
            guard mkdir(directory, 0o755) == 0 else { number += 1; continue }
            created.append((directory, true))
            for (index, name) in Self.interfaceFiles.enumerated() where index + 1 < group.count {
                file(directory + "/" + name, group[index + 1])
            }
            number += 1
        }
        // Directories go after the files written into them, to be removed after them.
        created = created.filter { !$0.directory } + created.filter(\.directory)
        return device
    }

    /// A usable directory name from the section (no `/`, NUL, `.` or `..`), else `1.N`.
    private static func childName(_ bytes: [UInt8], number: Int) -> String {
        let name = String(decoding: bytes.prefix(40), as: UTF8.self)
        if name.isEmpty || name.contains("/") || name.contains("\0") || name == "." || name == ".." { return "1.\(number)" }
        return name
    }

    private func file(_ path: String, _ contents: [UInt8]) {
        guard !contents.isEmpty else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        _ = contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        created.append((path, false))
    }
}
