/// The daemon's decoders of outside bytes, reachable by the fuzz harness (`Sources/mediad-fuzz`).
///
/// The parsers stay internal to MediadCore; these `package` doors let the harness, another target
/// of this package, hand them its bytes without `@testable` (which a release build refuses). Each
/// one calls the production code path unchanged and returns a description of what it produced, so
/// the harness also exercises the values' formatting.
package enum FuzzEntryPoints {
    /// One rtnetlink datagram through `NetlinkParser.parse`, as `NetlinkSocket` hands it over.
    package static func netlink(_ datagram: [UInt8]) -> String {
        do {
            let messages = try NetlinkParser.parse(datagram)
            return messages.map { "\($0)" }.joined(separator: "\n")
        } catch {
            return error.description
        }
    }

    /// A USB device directory read as the guard reads one (`ObservationReader.read`): `uevent`,
    /// `descriptors`, the attributes and the interface directories below it. `properties` are the
    /// event's udev properties, so libudev is never asked.
    package static func observeUSBDevice(syspath: String, announced: Bool, properties: [String: String]) -> String {
        do {
            return "\(try ObservationReader().read(syspath: syspath, announced: announced, properties: properties).observation)"
        } catch {
            return error.description
        }
    }

    /// The pure helpers of that read, on text as a `uevent` or a child's name gives it.
    package static func ueventDevtype(_ uevent: [UInt8]) -> String? { ObservationReader.devtype(uevent: uevent) }
    package static func interfaceNumber(fromName name: String) -> Int? { ObservationReader.interfaceNumber(fromName: name) }
}
