/// Why a file cannot be changed without losing something of the user's.
struct EditRefusal: Error, Equatable {
    var reason: String
    /// The file does not parse: never replaced, not even with `--force`.
    var unparseable = false
}
