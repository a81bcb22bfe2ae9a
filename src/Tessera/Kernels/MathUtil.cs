namespace Tessera;

/// <summary>Scalar special functions the BCL lacks.</summary>
public static class MathUtil
{
    /// <summary>The error function, to double precision (W. J. Cody's rational approximations, as in most libms).</summary>
    public static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax < 0.5)
        {
            // erf(x) = x·P(x²)/Q(x²)
            double t = x * x;
            double p = ((((0.1857777061846031526730e-1 * t + 0.3161123743870565596947e1) * t + 0.1138641541510501556495e3) * t + 0.3774852376853020208137e3) * t + 0.3209377589138469472562e4);
            double q = (((t + 0.2360129095234412093499e2) * t + 0.2440246379344441733056e3) * t + 0.1282616526077372275645e4) * t + 0.2844236833439170622273e4;
            return x * p / q;
        }
        return x < 0 ? -(1 - Erfc(ax)) : 1 - Erfc(ax);
    }

    /// <summary>The complementary error function for x ≥ 0.5 (Cody).</summary>
    private static double Erfc(double x)
    {
        if (x < 4)
        {
            double p = (((((((0.564188496988670089e0 * x + 0.888314979438837594e1) * x + 0.661191906371416295e2) * x + 0.298635138197400131e3) * x + 0.881952221241769090e3) * x + 0.171204761263407058e4) * x + 0.205107837782607147e4) * x + 0.123033935479799725e4);
            double q = (((((((x + 0.157449261107098347e2) * x + 0.117693950891312499e3) * x + 0.537181101862009858e3) * x + 0.162138957456669019e4) * x + 0.329079923573345963e4) * x + 0.436261909014324716e4) * x + 0.343936767414372164e4) * x + 0.123033935480374942e4;
            return Math.Exp(-x * x) * p / q;
        }
        if (x > 27) return 0;
        double z = 1 / (x * x);
        double pp = ((((0.163153871373020978e-1 * z + 0.305326634961232344e0) * z + 0.360344899949804439e0) * z + 0.125781726111229246e0) * z + 0.160837851487422766e-1) * z + 0.658749161529837803e-3;
        double qq = ((((z + 0.256852019228982242e1) * z + 0.187295284992346725e1) * z + 0.527905102951428412e0) * z + 0.605183413124413191e-1) * z + 0.233520497626869185e-2;
        return Math.Exp(-x * x) / x * (0.5641895835477563 - z * pp / qq);
    }
}
