import PlenarAPI

/// What the config files did: each file's outcome, and for `--dry-run` the diff of what they would do.
struct ConnectionReport {
    struct Config: Encodable, Equatable {
        var file: String
        /// created, updated, unchanged; with --dry-run "would be created" and so on.
        var result: String
    }

    var configs: [Config] = []
    var diff = ""
}
