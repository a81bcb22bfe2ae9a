using System.Globalization;
using System.Text.Json;
using Tessera.IO;
using Tessera.NN;
using Tessera.Optim;

namespace Tessera.Train;

/// <summary>
/// A training checkpoint in one safetensors file, written atomically: the model's state dict (<c>model.*</c>), the
/// optimiser's state (<c>optim.*</c>), and in the metadata the epoch, the schedule's position, the random generator's
/// state, the history and free-form info (model and dataset names), so a resumed run continues bit for bit.
/// </summary>
public sealed class Checkpoint
{
    public int Epoch { get; init; }
    public int SchedulerEpoch { get; init; }
    public ulong[] GeneratorState { get; init; } = [];
    public List<EpochResult> History { get; init; } = [];
    public Dictionary<string, string> Info { get; init; } = [];
    public Dictionary<string, Tensor> Model { get; init; } = [];
    public Dictionary<string, Tensor> OptimizerTensors { get; init; } = [];
    public Dictionary<string, string> OptimizerOptions { get; init; } = [];

    /// <summary>Captures the state of a run after <paramref name="epoch"/> epochs.</summary>
    public static Checkpoint Capture(Module model, Optimizer? optimizer, LRScheduler? scheduler, int epoch, IEnumerable<EpochResult> history, Generator generator, IDictionary<string, string>? info = null)
    {
        var (t, o) = optimizer?.StateDict() ?? ([], []);
        return new Checkpoint
        {
            Epoch = epoch, SchedulerEpoch = scheduler?.LastEpoch ?? 0, GeneratorState = generator.GetState(),
            History = history.ToList(), Info = info != null ? new(info) : [],
            Model = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone()),
            OptimizerTensors = t, OptimizerOptions = o,
        };
    }

    public void Save(string path)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in Model) tensors["model." + k] = v;
        foreach (var (k, v) in OptimizerTensors) tensors["optim." + k] = v;
        var meta = new Dictionary<string, string>
        {
            ["format"] = "tessera-checkpoint/1",
            ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
            ["scheduler_epoch"] = SchedulerEpoch.ToString(CultureInfo.InvariantCulture),
            ["generator"] = string.Join(",", GeneratorState),
            ["history"] = JsonSerializer.Serialize(History),
            ["optimizer_options"] = JsonSerializer.Serialize(OptimizerOptions),
            ["info"] = JsonSerializer.Serialize(Info),
        };
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>Reads a checkpoint; a file that is not one (or is damaged) throws naming the file and the problem.</summary>
    public static Checkpoint Load(string path)
    {
        var tensors = SafeTensors.Load(path, out var meta);
        try
        {
            if (!meta.TryGetValue("format", out var f) || f != "tessera-checkpoint/1")
                throw new InvalidDataException("not a Tessera checkpoint (metadata 'format' is missing or different)");
            return new Checkpoint
            {
                Epoch = int.Parse(meta["epoch"], CultureInfo.InvariantCulture),
                SchedulerEpoch = int.Parse(meta["scheduler_epoch"], CultureInfo.InvariantCulture),
                GeneratorState = meta["generator"].Split(',').Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
                History = JsonSerializer.Deserialize<List<EpochResult>>(meta["history"]) ?? [],
                OptimizerOptions = JsonSerializer.Deserialize<Dictionary<string, string>>(meta["optimizer_options"]) ?? [],
                Info = JsonSerializer.Deserialize<Dictionary<string, string>>(meta["info"]) ?? [],
                Model = tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[6..], kv => kv.Value),
                OptimizerTensors = tensors.Where(kv => kv.Key.StartsWith("optim.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[6..], kv => kv.Value),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Puts the saved state back into a freshly built model, optimiser, schedule and generator.</summary>
    public void Restore(Module model, Optimizer? optimizer, LRScheduler? scheduler, Generator generator)
    {
        model.LoadStateDict(Model);
        optimizer?.LoadStateDict(OptimizerTensors, OptimizerOptions);
        scheduler?.Restore(SchedulerEpoch);
        generator.SetState(GeneratorState);
    }
}
