// Placeholder entry point; the guard arrives with the USB guard issue.
import AssetCore
print("mediad: not yet implemented")
