/// One cell of a time-dependent route (`ArrivalSearch.route(to:)`): when the rover got there, how long it
/// stayed (parked) and why, and its driving clocks.
public struct RouteEvent: Sendable, Equatable {
    /// Why the rover parked at a cell.
    public enum WaitReason: String, Sendable {
        /// It did not wait.
        case none
        /// Waiting for this cell or the next one to be lit (or parked lit, sparing the shadow budget).
        case sunlight
        /// Waiting for this cell or the next one to be linked (Earth or relay visible).
        case link
        /// Sitting out a night or a blackout at a safe haven.
        case haven
    }

    public var cell: Int
    /// Seconds from the window start (the origin's event: the start time).
    public var arrivalSeconds: Double
    /// When the rover leaves the cell (nil at the route's last cell).
    public var departureSeconds: Double?
    public var waitedSeconds: Double
    public var reason: WaitReason
    /// Driving clocks on arrival (shadow: driving seconds in shadow since last lit; link: driving seconds
    /// without a link since last linked), after the reset by the cell's state at the arrival instant.
    public var shadowClockSeconds: Double
    public var linkClockSeconds: Double
    /// The cell's state at the arrival instant (the time step holding `arrivalSeconds`).
    public var lit: Bool
    public var linked: Bool

    public init(cell: Int, arrivalSeconds: Double, departureSeconds: Double?, waitedSeconds: Double, reason: WaitReason,
                shadowClockSeconds: Double, linkClockSeconds: Double, lit: Bool, linked: Bool) {
        self.cell = cell
        self.arrivalSeconds = arrivalSeconds
        self.departureSeconds = departureSeconds
        self.waitedSeconds = waitedSeconds
        self.reason = reason
        self.shadowClockSeconds = shadowClockSeconds
        self.linkClockSeconds = linkClockSeconds
        self.lit = lit
        self.linked = linked
    }
}
