using System.Runtime.CompilerServices;

namespace Tessera.Tests.Tensors;

/// <summary>Arrays come back to the pool when the GC finds them dead, and only then. Odd lengths keep other tests' arrays out.</summary>
public class BufferPoolTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RentAndDrop(int length, int count)
    {
        for (int i = 0; i < count; i++) BufferPool.Rent(length)[0] = i;
    }

    [Fact]
    public void DeadArraysComeBackAfterAFullCollection()
    {
        const int length = 30_011;
        int before = BufferPool.HeldCount(length);
        RentAndDrop(length, 3);
        GC.Collect(); GC.WaitForPendingFinalizers();
        Assert.True(BufferPool.HeldCount(length) >= before + 3, $"held {BufferPool.HeldCount(length)}, expected at least {before + 3}");
    }

    [Fact]
    public void ALiveArrayIsNeverHandedOutAgain()
    {
        const int length = 30_013;
        var kept = new List<float[]>();
        for (int round = 0; round < 3; round++)
        {
            RentAndDrop(length, 2);                     // dead arrays of the same length in the pool
            var a = BufferPool.Rent(length);
            Array.Fill(a, round + 1);
            kept.Add(a);
            GC.Collect(); GC.WaitForPendingFinalizers();
            var span = kept[0].AsSpan();                // a span alone keeps its array alive too
            for (int i = 0; i < 4; i++) Assert.DoesNotContain(BufferPool.Rent(length), kept);
            Assert.Equal(1f, span[0]);
        }
        for (int r = 0; r < kept.Count; r++) Assert.All(kept[r], v => Assert.Equal(r + 1, v));
    }

    [Fact]
    public void ShortArraysAreNotPooled()
    {
        var a = BufferPool.Rent(BufferPool.MinLength - 1);
        BufferPool.Return(a);
        Assert.Equal(0, BufferPool.HeldCount(BufferPool.MinLength - 1));
    }
}
