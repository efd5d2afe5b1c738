/// `HorizonSweeper.observers` in one frame's layout, a byte per cell (`FinalPass.mask`): 2 where the cell's
/// horizon is wanted, 1 within 16 columns of such a cell along the frame's row, 0 elsewhere. Bytes, not
/// floats: with a traverse's margin the frames are larger than the window, and a Float mask per
/// orientation would add half the size of the frames again.
final class ObserverMask: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>

    /// `count` zero bytes.
    init(count: Int) {
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(1, count))
        base.initialize(repeating: 0, count: Swift.max(1, count))
    }

    deinit { base.deallocate() }
}
