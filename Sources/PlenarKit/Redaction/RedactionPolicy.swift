/// How short a value may be and still be masked: the one place these lengths are decided. A
/// shorter value would mask ordinary text (every `ab` in the output) and hide nothing.
public enum RedactionPolicy {
    /// A value someone named as secret (`--mask`, `--mask-env`, the key itself), each form the
    /// redactor looks for, and each line `::add-mask::` gives the runner: 3 bytes.
    public static let minimumExplicitLength = 3
    /// A value taken on a guess or in part: a variable whose name says it holds a secret, a string
    /// handed to `Redactor(secrets:)`, one line of a multi-line secret: 6 characters.
    public static let minimumGuessedLength = 6
}
