using System.Diagnostics;
using Tessera.Data;
using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Train;

/// <summary>What one epoch produced (validation figures are null without a validation set).</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double? ValLoss, double? ValAccuracy, double Seconds, double Lr);

/// <summary>Loss, accuracy and confusion matrix (rows: true class, columns: predicted) of a model on a dataset.</summary>
public sealed record Evaluation(double Loss, double Accuracy, long[,] Confusion, int Count);

/// <summary>Options of <see cref="Trainer.Fit"/>.</summary>
public sealed class TrainerOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public ulong Seed { get; init; }
    /// <summary>Written after every epoch (atomically); with <see cref="Resume"/> an existing one is continued.</summary>
    public string? CheckpointPath { get; init; }
    public bool Resume { get; init; }
    /// <summary>Stop when the validation loss has not improved for this many epochs.</summary>
    public int? EarlyStoppingPatience { get; init; }
    /// <summary>Clip the global gradient 2-norm to this value before each step.</summary>
    public double? ClipGradNorm { get; init; }
    /// <summary>Step the schedule after every batch (OneCycleLR) instead of every epoch.</summary>
    public bool SchedulePerBatch { get; init; }
    /// <summary>Free-form facts stored in the checkpoint (model and dataset names).</summary>
    public Dictionary<string, string> Info { get; init; } = [];
}

/// <summary>Receives progress from <see cref="Trainer.Fit"/> (the CLI draws progress bars with it).</summary>
public interface ITrainingObserver
{
    void EpochStarted(int epoch, int epochs, int batches, int samples);
    void BatchCompleted(int epoch, int batch, int samplesSoFar, double loss);
    void EpochCompleted(EpochResult result);
    void Message(string text);
}

/// <summary>Raised when the loss becomes NaN or infinite; names the epoch and step.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>
/// The fit loop for classifiers: epochs of shuffled mini-batches (zero grad, forward, loss, backward, optional
/// clipping, step), validation and a checkpoint after each epoch, early stopping, and exact resume.
/// </summary>
public sealed class Trainer(Module model, Optimizer optimizer, LRScheduler? scheduler = null, Func<Tensor, Tensor, Tensor>? loss = null)
{
    public Module Model { get; } = model;
    public Optimizer Optimizer { get; } = optimizer;
    public LRScheduler? Scheduler { get; } = scheduler;
    private readonly Func<Tensor, Tensor, Tensor> _loss = loss ?? ((y, t) => F.CrossEntropy(y, t));

    public List<EpochResult> History { get; private set; } = [];

    /// <summary>Trains; returns the history (including epochs restored from a checkpoint).</summary>
    public List<EpochResult> Fit(IDataset train, IDataset? validation, TrainerOptions options, ITrainingObserver? observer = null)
    {
        if (options.Epochs <= 0) throw new ArgumentException($"epochs must be positive, got {options.Epochs}");
        var gen = Generator.Default;
        int start = 0;
        if (options.CheckpointPath != null)
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(options.CheckpointPath))!;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"checkpoint directory '{dir}' does not exist");
        }
        if (options.Resume && options.CheckpointPath != null && File.Exists(options.CheckpointPath))
        {
            var ck = Checkpoint.Load(options.CheckpointPath);
            ck.Restore(Model, Optimizer, Scheduler, gen);
            History = ck.History;
            start = ck.Epoch;
            observer?.Message($"resumed from {options.CheckpointPath} after epoch {start}");
        }
        else History = [];
        var loader = new DataLoader(train, options.BatchSize, shuffle: true, generator: gen);
        double bestVal = double.PositiveInfinity; int sinceBest = 0;
        foreach (var h in History) if (h.ValLoss is double v) { if (v < bestVal) { bestVal = v; sinceBest = 0; } else sinceBest++; }
        for (int epoch = start + 1; epoch <= options.Epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            Model.Train();
            observer?.EpochStarted(epoch, options.Epochs, loader.Count, train.Count);
            double lr = Optimizer.ParamGroups[0].Lr;
            double lossSum = 0; long correct = 0; int seen = 0, step = 0;
            foreach (var (x, y) in loader)
            {
                step++;
                Optimizer.ZeroGrad();
                var output = Model.Forward(x);
                var l = _loss(output, y);
                float lv = l.Item();
                if (!float.IsFinite(lv))
                    throw new TrainingDivergedException($"loss became {lv} at epoch {epoch}, step {step}; lower the learning rate or clip gradients");
                l.Backward();
                if (options.ClipGradNorm is double c) GradClip.ClipGradNorm(Model.Parameters(), c);
                Optimizer.Step();
                if (options.SchedulePerBatch) Scheduler?.Step();
                int b = x.Dims[0];
                lossSum += lv * b; seen += b;
                correct += CountCorrect(output, y);
                observer?.BatchCompleted(epoch, step, seen, lv);
            }
            if (!options.SchedulePerBatch) Scheduler?.Step();
            double? valLoss = null, valAcc = null;
            if (validation != null) { var ev = Evaluate(validation, Math.Max(options.BatchSize, 256)); valLoss = ev.Loss; valAcc = ev.Accuracy; }
            var result = new EpochResult(epoch, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), valLoss, valAcc, sw.Elapsed.TotalSeconds, lr);
            History.Add(result);
            if (options.CheckpointPath != null)
                Checkpoint.Capture(Model, Optimizer, Scheduler, epoch, History, gen, options.Info).Save(options.CheckpointPath);
            observer?.EpochCompleted(result);
            if (valLoss is double vl && options.EarlyStoppingPatience is int patience)
            {
                if (vl < bestVal) { bestVal = vl; sinceBest = 0; }
                else if (++sinceBest >= patience) { observer?.Message($"early stopping: validation loss has not improved for {patience} epochs"); break; }
            }
        }
        return History;
    }

    /// <summary>Loss, accuracy and confusion matrix in eval mode without gradients.</summary>
    public Evaluation Evaluate(IDataset data, int batchSize = 256) => Evaluate(Model, data, batchSize, _loss);

    public static Evaluation Evaluate(Module model, IDataset data, int batchSize = 256, Func<Tensor, Tensor, Tensor>? loss = null)
    {
        loss ??= (y, t) => F.CrossEntropy(y, t);
        bool was = model.Training;
        model.Eval();
        using var _ = GradMode.NoGrad();
        double lossSum = 0; long correct = 0; int n = 0;
        long[,]? confusion = null;
        foreach (var (x, y) in new DataLoader(data, batchSize))
        {
            var output = model.Forward(x);
            lossSum += loss(output, y).Item() * x.Dims[0];
            n += x.Dims[0];
            if (y.DType == DType.Int64 && output.Rank == 2)
            {
                int c = output.Dims[1];
                confusion ??= new long[c, c];
                var pred = F.ArgMax(output, 1).LongData; var t = y.LongData;
                for (int i = 0; i < pred.Length; i++) { if (pred[i] == t[i]) correct++; if (t[i] >= 0 && t[i] < c) confusion[t[i], pred[i]]++; }
            }
        }
        model.Train(was);
        return new Evaluation(lossSum / Math.Max(1, n), (double)correct / Math.Max(1, n), confusion ?? new long[0, 0], n);
    }

    private static long CountCorrect(Tensor output, Tensor y)
    {
        if (y.DType != DType.Int64 || output.Rank != 2) return 0;
        Tensor pred;
        using (GradMode.NoGrad()) pred = F.ArgMax(output.Detach(), 1);
        var p = pred.LongData; var t = y.LongData; long c = 0;
        for (int i = 0; i < p.Length; i++) if (p[i] == t[i]) c++;
        return c;
    }
}
