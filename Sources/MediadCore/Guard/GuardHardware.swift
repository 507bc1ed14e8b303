import AssetCore
import HardwareProbe
import Logging

/// This computer's own hardware against its approved baseline (涉密计算机台账): checked at every
/// start (a disk swapped while the machine was off) and the moment a uevent says a fixed disk,
/// a network card, a PCI device or the firmware's identity came or went. No polling.
extension Guard {
    /// Reads the inventory and records each difference not recorded yet. Nothing is blocked (a disk
    /// cannot be un-plugged by software); what is found is logged at once, loudly for the grave
    /// ones, and published to `mediactl watch`.
    /// - Parameter removed: the device a remove uevent named, gone whatever sysfs still shows.
    func checkHardware(trigger: String, removed: String? = nil) {
        let result: HardwareCheckResult
        do {
            // A failed read is not "no baseline": the hardware is then read and recorded as usual.
            if (try? recorder.hasHardwareBaseline()) == false { return }
            result = try recorder.recordHardware(HardwareProbe.read(without: removed), at: clock.now(), trigger: trigger)
        } catch {
            logger.critical("cannot record the hardware check; differences from the baseline may go unrecorded",
                            metadata: ["TRIGGER": "\(trigger)", "ERROR": "\(error.message.en)"])
            return
        }
        for item in result.recorded {
            let metadata: Logger.Metadata = ["CHANGE": "\(item.change.kind.rawValue)", "TRIGGER": "\(trigger)",
                                             "BEFORE": "\(item.change.before ?? "")", "AFTER": "\(item.change.after ?? "")"]
            switch item.change.severity {
            case .critical?: logger.critical("\(item.change.summary.en)", metadata: metadata)
            case .some: logger.warning("\(item.change.summary.en)", metadata: metadata)
            case nil: logger.notice("\(item.change.summary.en)", metadata: metadata)
            }
            broadcaster.publish(WatchItem(event: item.event, violations: item.violation.map { [$0] } ?? []))
        }
        for event in result.restored {
            logger.notice("\(event.note ?? "hardware back to its baseline")")
            broadcaster.publish(WatchItem(event: event, violations: []))
        }
    }
}
