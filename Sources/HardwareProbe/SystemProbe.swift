import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// The rest of the inventory: the machine's DMI identity, memory, CPU, TPM, USB host controllers
/// and the operating system.
enum SystemProbe {
    /// DMI's attributes live on one device whose path the kernel never changes
    /// (/sys/class/dmi/id links to it).
    static let dmiPath = "/sys/devices/virtual/dmi/id/"

    /// Each attribute judged by `dmiValue`; `product_serial` and `board_serial` are readable by
    /// root only (anyone else gets nil, not a guess).
    static func identity() -> SystemIdentity {
        func dmi(_ name: String) -> String? { dmiValue(ProbeFile.attribute(dmiPath + name)) }
        return SystemIdentity(vendor: dmi("sys_vendor"), product: dmi("product_name"), serial: dmi("product_serial"),
                              boardSerial: dmi("board_serial"), biosVersion: dmi("bios_version"))
    }

    /// A DMI string, or nil for garbage: firmware leaves placeholders and blanks in these fields
    /// (`HardwareText.value`), and an unprogrammed one reads as 0xFF or control bytes. Unlike a
    /// device's serial, which is what the device says and is kept escaped, such bytes are no value
    /// at all: escaped, two boards with blank flash would share one "serial".
    static func dmiValue(_ bytes: [UInt8]?) -> String? {
        guard let bytes, let text = String(validating: bytes, as: UTF8.self),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) }) else { return nil }
        return HardwareText.value(text)
    }

    /// MemTotal from /proc/meminfo, in bytes.
    static func memoryBytes() -> UInt64? {
        guard let bytes = ProbeFile.bytes("/proc/meminfo", limit: 16384) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let words = line.dropFirst("MemTotal:".count).split(separator: " ")
            guard words.count == 2, words[1] == "kB", let kilobytes = UInt64(words[0]) else { return nil }
            let (total, overflow) = kilobytes.multipliedReportingOverflow(by: 1024)
            return overflow || total == 0 ? nil : total
        }
        return nil
    }

    /// The first "model name" of /proc/cpuinfo (x86 writes one per CPU, identical); nil on
    /// machines whose cpuinfo has none (most ARM kernels).
    static func cpuModel() -> String? {
        // The first processor's block is well inside the first pages.
        guard let bytes = ProbeFile.bytes("/proc/cpuinfo", limit: 16384) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), Sysfs.trimmed(String(line[..<colon])) == "model name" else { continue }
            return HardwareText.value(Sysfs.trimmed(String(line[line.index(after: colon)...])))
        }
        return nil
    }

    /// true when a TPM is enumerated or listed in /sys/class/tpm; false when that class exists and
    /// is empty (the kernel knows TPMs and found none); nil when neither can tell (no TPM support
    /// built in, or a sysfs that hides it).
    static func tpm(_ scan: inout ProbeScan) -> Bool? {
        if !scan.devices(subsystem: "tpm").isEmpty { return true }
        guard let entries = ProbeFile.entries("/sys/class/tpm") else { return nil }
        return !entries.isEmpty
    }

    /// PCI functions of class 0x0c03 (serial bus controller, USB; any programming interface: UHCI,
    /// OHCI, EHCI, xHCI), known by their PCI address.
    static func usbControllers(_ scan: inout ProbeScan) -> [USBController] {
        scan.devices(subsystem: "pci").compactMap { device -> USBController? in
            guard let pciClass = Sysfs.hex(device.attributeText("class"), as: UInt32.self), pciClass >> 8 == 0x0c03 else { return nil }
            return USBController(slot: device.sysname, vendorID: Sysfs.hex(device.attributeText("vendor"), as: UInt16.self).map(Sysfs.hex4),
                                 deviceID: Sysfs.hex(device.attributeText("device"), as: UInt16.self).map(Sysfs.hex4), driver: device.driver)
        }.sorted { $0.slot < $1.slot }
    }

    static func operatingSystem() -> OperatingSystem? {
        let system = OperatingSystem(kernel: kernelRelease(), distribution: distribution())
        return system.kernel == nil && system.distribution == nil ? nil : system
    }

    static func kernelRelease() -> String? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        let release = withUnsafeBytes(of: names.release) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return HardwareText.value(release)
    }

    /// PRETTY_NAME of os-release(5): /etc's copy, else the vendor's in /usr/lib.
    static func distribution() -> String? {
        for path in ["/etc/os-release", "/usr/lib/os-release"] {
            guard let bytes = ProbeFile.bytes(path, limit: 65536) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                return HardwareText.value(unquoted(line.dropFirst("PRETTY_NAME=".count)))
            }
            return nil
        }
        return nil
    }

    /// A shell-style os-release value: surrounding quotes dropped and, inside double quotes, the
    /// backslash escapes os-release allows (\" \\ \$ \`) undone.
    static func unquoted(_ value: Substring) -> String {
        let text = Sysfs.trimmed(String(value))
        guard let quote = text.first, quote == "\"" || quote == "'", text.count >= 2, text.last == quote else { return text }
        let inner = text.dropFirst().dropLast()
        guard quote == "\"" else { return String(inner) }
        var result = ""
        var escaped = false
        for character in inner {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            result.append(character)
        }
        return result
    }
}
