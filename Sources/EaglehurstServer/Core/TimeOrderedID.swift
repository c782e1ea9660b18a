import Foundation
import NIOConcurrencyHelpers

/// Ids for rows written in bulk off the request path (the search log, analytics events): UUIDs of
/// version 7 (RFC 9562), the time in milliseconds first, then a counter and bits drawn once per
/// process. New rows then go to the end of the primary key's index instead of a random page of
/// it, and an id costs no read of the system's random source (`UUID()` opens `/dev/urandom` each
/// time here): the search log writes thousands a second, and each second's write was the
/// largest stall SQLite searches met.
enum TimeOrderedID {
    private struct State {
        var millisecond: UInt64 = 0
        var counter: UInt64 = 0
        var salt: UInt64 = UInt64.random(in: .min ... .max)
    }
    private static let state = NIOLockedValueBox(State())

    /// A new id, after every id this process made before (for the same clock).
    static func next(now: Date = Date()) -> UUID {
        let (millisecond, counter, salt) = state.withLockedValue { state -> (UInt64, UInt64, UInt64) in
            let millisecond = max(UInt64(max(0, now.timeIntervalSince1970 * 1000)), state.millisecond)
            if millisecond != state.millisecond {
                state.millisecond = millisecond
                state.counter = 0
            } else {
                state.counter += 1
            }
            return (state.millisecond, state.counter, state.salt)
        }
        // 48 bits of time, version 7, 12 bits of counter, variant 10, 30 more bits of counter, 32 of salt.
        let high = (millisecond & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (counter >> 30 & 0xFFF)
        let low = 0x8000_0000_0000_0000 | (counter & 0x3FFF_FFFF) << 32 | (salt & 0xFFFF_FFFF)
        return withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { bytes in
            UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
