import FoundationEssentials

/// Where text for people or for programs goes.
public protocol TextOutput {
    func write(_ text: String)
}
