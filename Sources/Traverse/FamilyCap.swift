/// How many label families the time search keeps at one cell (`EarliestArrival.search`): the first
/// `kept` drive families settled there; beyond them, up to `most`, a family only where no family settled
/// there comes within `slack` of its clocks at all its times (a fraction of the shadow-driving and link
/// budgets: a near-duplicate adds little); the rest are dropped. Parked families (one per state change of
/// a cell) are always kept. Every family kept is reached by a route that keeps the rules, so a capped
/// search returns legal routes whose arrivals may be late (`ArrivalCertificate` bounds them).
public struct FamilyCap: Sendable, Equatable {
    public var kept: Int
    public var most: Int
    public var slack: Double

    public init(kept: Int, most: Int, slack: Double) {
        precondition(kept >= 1 && most >= kept && most < Int(UInt16.max) && slack >= 0, "bad family cap")
        self.kept = kept
        self.most = most
        self.slack = slack
    }

    /// `farside traverse`'s: 8 families per cell, up to 32 that differ by more than 10 % of a budget
    /// (measured on the 2048^2 south-polar synthetic over 30 days: docs/methods/earliest-arrival.md, "Cost").
    public static let traverse = FamilyCap(kept: 8, most: 32, slack: 0.1)
}
