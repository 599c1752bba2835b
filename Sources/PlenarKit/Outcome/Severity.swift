public enum Severity: Equatable {
    case warning
    case error
}
