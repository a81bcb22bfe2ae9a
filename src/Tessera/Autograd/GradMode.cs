namespace Tessera;

/// <summary>Turns gradient recording off for a scope: <c>using (GradMode.NoGrad()) { ... }</c>. Per thread, so inference on several threads is safe.</summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True when ops record nodes for backward on this thread.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables recording until the returned scope is disposed.</summary>
    public static IDisposable NoGrad() { _disabledDepth++; return new Scope(); }

    private sealed class Scope : IDisposable
    {
        private bool _done;
        public void Dispose() { if (!_done) { _done = true; _disabledDepth--; } }
    }
}
