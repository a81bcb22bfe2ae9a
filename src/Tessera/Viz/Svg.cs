using System.Globalization;
using System.Net;
using System.Text;

namespace Tessera.Viz;

/// <summary>Small self-contained SVG charts: line charts of training curves and heat-maps of confusion matrices.</summary>
public static class Svg
{
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    /// <summary>A line chart of named series over x = 1..n (e.g. loss per epoch), with axes, ticks and a legend.</summary>
    public static string LineChart(string title, string xLabel, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, int width = 560, int height = 340)
    {
        const int left = 60, right = 150, top = 40, bottom = 50;
        int pw = width - left - right, ph = height - top - bottom;
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        int n = series.Count == 0 ? 0 : series.Max(s => s.Values.Count);
        double lo = all.Count > 0 ? all.Min() : 0, hi = all.Count > 0 ? all.Max() : 1;
        if (hi - lo < 1e-12) { hi += 0.5; lo -= 0.5; }
        double pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
        double X(int i) => left + (n <= 1 ? pw / 2.0 : pw * (double)i / (n - 1));
        double Y(double v) => top + ph * (1 - (v - lo) / (hi - lo));
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{WebUtility.HtmlEncode(title)}</text>\n");
        sb.Append($"<rect x=\"{left}\" y=\"{top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#444\"/>\n");
        for (int t = 0; t <= 4; t++)
        {
            double v = lo + (hi - lo) * t / 4;
            sb.Append($"<line x1=\"{left}\" x2=\"{left + pw}\" y1=\"{F(Y(v))}\" y2=\"{F(Y(v))}\" stroke=\"#ddd\"/>");
            sb.Append($"<text x=\"{left - 6}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\">{v.ToString("G3", CultureInfo.InvariantCulture)}</text>\n");
        }
        int step = Math.Max(1, (int)Math.Ceiling(n / 10.0));
        for (int i = 0; i < n; i += step)
            sb.Append($"<text x=\"{F(X(i))}\" y=\"{top + ph + 18}\" text-anchor=\"middle\">{i + 1}</text>\n");
        sb.Append($"<text x=\"{left + pw / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(xLabel)}</text>\n");
        for (int s = 0; s < series.Count; s++)
        {
            var color = Palette[s % Palette.Length];
            var pts = series[s].Values.Select((v, i) => (v, i)).Where(p => double.IsFinite(p.v)).Select(p => $"{F(X(p.i))},{F(Y(p.v))}");
            sb.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(" ", pts)}\"/>\n");
            foreach (var (v, i) in series[s].Values.Select((v, i) => (v, i)).Where(p => double.IsFinite(p.v)))
                sb.Append($"<circle cx=\"{F(X(i))}\" cy=\"{F(Y(v))}\" r=\"3\" fill=\"{color}\"/>");
            sb.Append($"\n<rect x=\"{left + pw + 12}\" y=\"{top + 18 * s}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            sb.Append($"<text x=\"{left + pw + 30}\" y=\"{top + 18 * s + 11}\">{WebUtility.HtmlEncode(series[s].Name)}</text>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>A confusion matrix as a heat-map: rows true class, columns predicted, counts written in each cell.</summary>
    public static string ConfusionMatrix(string title, long[,] m, IReadOnlyList<string>? labels = null)
    {
        int c = m.GetLength(0), cell = c <= 10 ? 40 : Math.Max(12, 400 / Math.Max(1, c));
        int left = 70, top = 76, width = left + c * cell + 30, height = top + c * cell + 50;
        long max = 1; foreach (var v in m) max = Math.Max(max, v);
        string L(int i) => labels != null && i < labels.Count ? labels[i] : i.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append($"<text x=\"{width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{WebUtility.HtmlEncode(title)}</text>\n");
        sb.Append($"<text x=\"{left + c * cell / 2}\" y=\"{top - 22}\" text-anchor=\"middle\">predicted</text>\n");
        sb.Append($"<text x=\"16\" y=\"{top + c * cell / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {top + c * cell / 2})\">true</text>\n");
        for (int i = 0; i < c; i++)
        {
            sb.Append($"<text x=\"{left + i * cell + cell / 2}\" y=\"{top - 6}\" text-anchor=\"middle\">{WebUtility.HtmlEncode(L(i))}</text>");
            sb.Append($"<text x=\"{left - 6}\" y=\"{top + i * cell + cell / 2 + 4}\" text-anchor=\"end\">{WebUtility.HtmlEncode(L(i))}</text>\n");
            for (int j = 0; j < c; j++)
            {
                double t = Math.Sqrt((double)m[i, j] / max); // square root so small confusions stay visible
                int shade = (int)(255 - 200 * t);
                sb.Append($"<rect x=\"{left + j * cell}\" y=\"{top + i * cell}\" width=\"{cell}\" height=\"{cell}\" fill=\"rgb({shade},{shade},255)\" stroke=\"#fff\"/>");
                if (cell >= 24)
                    sb.Append($"<text x=\"{left + j * cell + cell / 2}\" y=\"{top + i * cell + cell / 2 + 4}\" text-anchor=\"middle\" fill=\"{(shade < 110 ? "white" : "black")}\">{m[i, j]}</text>");
            }
            sb.Append('\n');
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
