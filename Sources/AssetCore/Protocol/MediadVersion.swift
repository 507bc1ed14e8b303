/// The release, once: mediad reports it in `status` and in its start record, mediactl in
/// `--version`, so the two cannot name different releases of the same build.
public enum MediadVersion {
    public static let string = "0.1.0"
}
