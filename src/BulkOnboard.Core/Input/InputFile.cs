namespace BulkOnboard.Input;

/// <summary>Opens input files with errors a user can act on instead of raw I/O exceptions.</summary>
internal static class InputFile
{
    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            throw new InputException($"{path}: file not found");
        }
        catch (DirectoryNotFoundException)
        {
            throw new InputException($"{path}: file not found (its folder does not exist)");
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"{path}: permission denied, or it is a folder rather than a file");
        }
        catch (IOException ex)
        {
            throw new InputException($"{path}: cannot be opened, it may be locked by another program ({ex.Message})");
        }
    }
}
