/// What messages may mention: the host, and how the token is shown.
struct MessageContext {
    var host: String
    var tokenDisplay: String
    var keyFlag: Bool
    /// Where the token came from: `--key`, `PLENAR_TOKEN`, or the login file.
    var tokenSource = "PLENAR_TOKEN"
    /// Who takes the next step a message names.
    var audience = Audience.person
    /// What set the deadline a timeout message names.
    var timeoutSource = Settings.timeoutVariable
}
