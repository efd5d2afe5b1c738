/// A rover's survival rules for the time-dependent search (`EarliestArrival`, where the model is stated).
///
/// - `maxShadowDriveSeconds` (Dd): the shadow driving clock (driving time spent in shadow since the rover
///   was last in a lit cell-time) may never exceed this.
/// - `maxShadowSeconds` (P): survival while parked, counted from the last lit moment; at least Dd. It only
///   decides which cells are safe havens (every night of the cell at most P - Dd long).
/// - `maxNoLinkDriveSeconds` (Ld): the link driving clock (driving time without a link since the rover was
///   last in a linked cell-time) may never exceed this.
/// Infinity means no limit; 0 means the rover may never drive in shadow (resp. out of contact).
public struct TraverseRules: Sendable, Equatable {
    public var maxShadowDriveSeconds: Double
    public var maxShadowSeconds: Double
    public var maxNoLinkDriveSeconds: Double

    public init(maxShadowDriveSeconds: Double = .infinity, maxShadowSeconds: Double = .infinity,
                maxNoLinkDriveSeconds: Double = .infinity) {
        precondition(maxShadowDriveSeconds >= 0 && maxShadowSeconds >= 0 && maxNoLinkDriveSeconds >= 0,
                     "rover rules must not be negative")
        precondition(maxShadowSeconds >= maxShadowDriveSeconds, "parked survival must be at least the shadow driving budget")
        self.maxShadowDriveSeconds = maxShadowDriveSeconds
        self.maxShadowSeconds = maxShadowSeconds
        self.maxNoLinkDriveSeconds = maxNoLinkDriveSeconds
    }

    /// The longest night (seconds) a safe haven may have: P - Dd (infinity when P is).
    public var longestHavenNightSeconds: Double {
        maxShadowSeconds.isInfinite ? .infinity : maxShadowSeconds - maxShadowDriveSeconds
    }

    /// No limits: the search is the plain time-dependent earliest arrival (every cell a haven).
    public static let unlimited = TraverseRules()
}
