using System.Diagnostics;
using Tessera.Data;
using Tessera.IO;
using Tessera.Models;
using Tessera.NN;
using Tessera.Optim;
using Tessera.Train;

namespace Tessera.Tests.Train;

public class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-train").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch (IOException) { } }

    private static (TensorDataset Train, TensorDataset Test) SmallDigits()
    {
        var d = DatasetCatalog.Load("digits", trainSize: 1500, testSize: 500);
        return (d.Train, d.Test);
    }

    [Fact]
    public void MlpLearnsTheSyntheticDigits()
    {
        var (train, test) = SmallDigits();
        Generator.ManualSeed(3);
        var model = ModelZoo.Mlp(784, [64], 10);
        var trainer = new Trainer(model, new Adam(model.Parameters(), 2e-3));
        var history = trainer.Fit(train, test, new TrainerOptions { Epochs = 4, BatchSize = 32 });
        Assert.True(history[^1].TrainLoss < history[0].TrainLoss * 0.6, $"loss {history[0].TrainLoss} → {history[^1].TrainLoss}");
        var ev = trainer.Evaluate(test);
        Assert.True(ev.Accuracy > 0.75, $"held-out accuracy {ev.Accuracy}");
        Assert.Equal(500, ev.Count);
        long diag = 0; for (int i = 0; i < 10; i++) diag += ev.Confusion[i, i];
        Assert.Equal((long)Math.Round(ev.Accuracy * 500), diag);
    }

    private List<EpochResult> Run(string ckpt, int epochs, bool resume, out float[] weights)
    {
        var (train, test) = SmallDigits();
        Generator.ManualSeed(11);
        var model = ModelZoo.Mlp(784, [32], 10);
        var opt = new SGD(model.Parameters(), 0.05, momentum: 0.9);
        var sched = new StepLR(opt, 1, 0.7);
        var trainer = new Trainer(model, opt, sched);
        var h = trainer.Fit(train, test, new TrainerOptions { Epochs = epochs, BatchSize = 50, CheckpointPath = ckpt, Resume = resume });
        weights = model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        return h;
    }

    [Fact]
    public void ResumeReproducesTheUninterruptedRunExactly()
    {
        var full = Run(Path.Combine(_dir, "full.ckpt"), 3, false, out var fullWeights);
        var part = Path.Combine(_dir, "part.ckpt");
        Run(part, 2, false, out _);
        var resumed = Run(part, 3, true, out var resumedWeights);
        Assert.Equal(fullWeights, resumedWeights);
        Assert.Equal(full.Select(h => h.TrainLoss), resumed.Select(h => h.TrainLoss));
        Assert.Equal(full.Select(h => h.Lr), resumed.Select(h => h.Lr));
        Assert.Equal(3, Checkpoint.Load(part).Epoch);
    }

    [Fact]
    public void NanLossStopsTrainingNamingTheStep()
    {
        var (train, _) = SmallDigits();
        var model = ModelZoo.Mlp(784, [16], 10);
        int calls = 0;
        var trainer = new Trainer(model, new SGD(model.Parameters(), 0.1), loss: (y, t) => ++calls == 3 ? F.Mul(F.CrossEntropy(y, t), float.NaN) : F.CrossEntropy(y, t));
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(train, null, new TrainerOptions { Epochs = 1, BatchSize = 100 }));
        Assert.Contains("epoch 1, step 3", e.Message);
    }

    [Fact]
    public void FailedCheckpointWriteLeavesThePreviousOneIntact()
    {
        var path = Path.Combine(_dir, "c.ckpt");
        var model = ModelZoo.Mlp(4, [3], 2);
        Checkpoint.Capture(model, null, null, 1, [], new Generator(1)).Save(path);
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s => { s.Write(new byte[100]); throw new IOException("disk full"); }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, Checkpoint.Load(path).Epoch);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void KillingATrainingRunNeverLeavesABrokenCheckpoint()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "tessera.dll");
        var ckpt = Path.Combine(_dir, "killed.ckpt");
        var rng = new Random(7);
        for (int round = 0; round < 3; round++)
        {
            var psi = new ProcessStartInfo("dotnet", [cli, "train", "--model", "mlp", "--train-size", "300", "--epochs", "1000", "--batch-size", "100", "--checkpoint", ckpt, "--resume"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            var before = File.Exists(ckpt) ? File.GetLastWriteTimeUtc(ckpt) : DateTime.MinValue;
            using var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { }; p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine(); p.BeginErrorReadLine();
            // Wait for this run's first checkpoint, then kill it at a random moment of a later epoch (often mid-write).
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < deadline && !p.HasExited && (!File.Exists(ckpt) || File.GetLastWriteTimeUtc(ckpt) == before)) Thread.Sleep(20);
            Thread.Sleep(rng.Next(0, 1500));
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.True(File.Exists(ckpt), "no checkpoint was written");
            Assert.True(Checkpoint.Load(ckpt).Epoch >= 1);
        }
    }

    [Fact]
    public void CorruptCheckpointGivesErrorNamingTheFile()
    {
        var path = Path.Combine(_dir, "bad.ckpt");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = Tensor.Ones(2) });
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a Tessera checkpoint", e.Message);
    }

    [Fact]
    public void EarlyStoppingStopsWhenValidationStopsImproving()
    {
        var (train, test) = SmallDigits();
        var model = ModelZoo.Mlp(784, [16], 10);
        // lr 0 never improves the validation loss after the first epoch.
        var trainer = new Trainer(model, new SGD(model.Parameters(), 0.0));
        var h = trainer.Fit(train, test, new TrainerOptions { Epochs = 10, BatchSize = 500, EarlyStoppingPatience = 2 });
        Assert.Equal(3, h.Count);
    }
}
