package org.strainline.daemon.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG figures of the demo and validation reports (XChart, headless). */
public final class Plots {
    private static final int W = 1000;
    private static final int H = 560;
    private static final Color RAW = new Color(0x9e, 0x9e, 0x9e);
    private static final Color CLEANED = new Color(0x1f, 0x5f, 0xbf);
    private static final Color[] IFO = {new Color(0xd6, 0x27, 0x28), new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return c;
    }

    private static XYSeries line(XYChart c, String name, double[] x, double[] y, Color colour) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(colour);
        s.setLineWidth(1.2f);
        return s;
    }

    private static Path save(XYChart c, Path file) throws IOException {
        BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** Raw and cleaned ASD of one IFO over [fLo, fHi] (log-log, or linear frequency for a zoom). */
    public static Path asd(Path file, String ifo, Spectra s, double fLo, double fHi, boolean logFrequency) throws IOException {
        int lo = Math.max(1, (int) Math.ceil(fLo / s.df()));
        int hi = Math.min(s.bins() - 1, (int) Math.floor(fHi / s.df()));
        double[] f = new double[hi - lo + 1];
        double[] r = new double[f.length];
        double[] c = new double[f.length];
        for (int k = lo; k <= hi; k++) {
            f[k - lo] = s.frequency(k);
            r[k - lo] = s.raw(k);
            c[k - lo] = s.cleaned(k);
        }
        XYChart ch = chart(ifo + " strain ASD, raw and cleaned (" + (int) fLo + "-" + (int) fHi + " Hz)", "frequency (Hz)",
                "ASD (1/sqrt(Hz))");
        ch.getStyler().setXAxisLogarithmic(logFrequency);
        ch.getStyler().setYAxisLogarithmic(true);
        ch.getStyler().setXAxisMin(f[0]);
        ch.getStyler().setXAxisMax(f[f.length - 1]);
        line(ch, "raw", f, r, RAW);
        line(ch, "cleaned (DeepClean)", f, c, CLEANED);
        return save(ch, file);
    }

    /** Cleaned over raw ASD per IFO, bin by bin, over [fLo, fHi]. */
    public static Path asdRatio(Path file, Map<String, Spectra> byIfo, double fLo, double fHi) throws IOException {
        XYChart ch = chart("ASD ratio, cleaned / raw", "frequency (Hz)", "cleaned / raw");
        ch.getStyler().setXAxisLogarithmic(true);
        ch.getStyler().setYAxisLogarithmic(true);
        int i = 0;
        double lowest = 1;
        for (Map.Entry<String, Spectra> e : byIfo.entrySet()) {
            Spectra s = e.getValue();
            int lo = Math.max(1, (int) Math.ceil(fLo / s.df()));
            int hi = Math.min(s.bins() - 1, (int) Math.floor(fHi / s.df()));
            double[] f = new double[hi - lo + 1];
            double[] q = new double[f.length];
            for (int k = lo; k <= hi; k++) {
                f[k - lo] = s.frequency(k);
                q[k - lo] = s.cleaned(k) / s.raw(k);
                lowest = Math.min(lowest, q[k - lo]);
            }
            line(ch, e.getKey(), f, q, IFO[i++ % IFO.length]);
            ch.getStyler().setXAxisMin(f[0]);
            ch.getStyler().setXAxisMax(f[f.length - 1]);
        }
        ch.getStyler().setYAxisMin(Math.max(1e-3, lowest * 0.8));
        ch.getStyler().setYAxisMax(2.0);
        return save(ch, file);
    }

    /** The detection statistic over time, the alert threshold, the injections (vertical lines) and the alerts (markers). */
    public static Path statistic(Path file, long startGps, double[] tS, double[] stat, int n, double threshold,
                                 double[] injectionsS, double[] alertsS, double[] alertStat) throws IOException {
        XYChart ch = chart("BBHnet detection statistic (integrated), GPS " + startGps + " +", "time (s)", "statistic");
        double[] t = java.util.Arrays.copyOf(tS, Math.max(1, n));
        double[] y = java.util.Arrays.copyOf(stat, Math.max(1, n));
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, y[i]);
            hi = Math.max(hi, y[i]);
        }
        if (n == 0) {
            lo = 0;
            hi = 1;
        }
        hi = Math.max(hi, threshold);
        line(ch, "statistic", t, y, CLEANED).setLineWidth(1.0f);
        double t0 = n == 0 ? 0 : t[0];
        double t1 = n == 0 ? 1 : t[n - 1];
        XYSeries th = line(ch, "threshold", new double[] {t0, t1}, new double[] {threshold, threshold}, Color.BLACK);
        th.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        for (int i = 0; i < injectionsS.length; i++) {
            XYSeries s = line(ch, i == 0 ? "injection" : "injection " + (i + 1), new double[] {injectionsS[i], injectionsS[i]}, new double[] {lo, hi},
                    new Color(0x2c, 0xa0, 0x2c));
            s.setShowInLegend(i == 0);
        }
        if (alertsS.length > 0) {
            XYSeries a = ch.addSeries("alert", alertsS, alertStat);
            a.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            a.setMarker(SeriesMarkers.DIAMOND);
            a.setMarkerColor(new Color(0xd6, 0x27, 0x28));
            ch.getStyler().setMarkerSize(10);
        }
        return save(ch, file);
    }

    /** One latency distribution per series: the fraction of its records per bin (milliseconds). */
    public static Path latency(Path file, String title, List<String> names, List<Histogram> histograms) throws IOException {
        XYChart ch = chart(title, "latency (ms)", "fraction of records per bin");
        ch.getStyler().setXAxisDecimalPattern("#,##0.#");
        long lo = Long.MAX_VALUE;
        long hi = 1;
        for (Histogram h : histograms) {
            if (h.getTotalCount() > 0) {
                lo = Math.min(lo, h.getMinValue());
                hi = Math.max(hi, h.getValueAtPercentile(99.9));
            }
        }
        lo = lo == Long.MAX_VALUE ? 0 : lo;
        int bins = 60;
        double width = Math.max(1, (hi - lo) * 1.05 / bins);
        boolean any = false;
        for (int i = 0; i < histograms.size(); i++) {
            Histogram h = histograms.get(i);
            if (h.getTotalCount() == 0) {
                continue;
            }
            double[] x = new double[bins];
            double[] y = new double[bins];
            for (int b = 0; b < bins; b++) {
                long a = lo + (long) (b * width);
                long e = lo + (long) ((b + 1) * width) - 1;
                x[b] = (lo + (b + 0.5) * width) / 1e6;
                y[b] = h.getCountBetweenValues(a, Math.max(a, e)) / (double) h.getTotalCount();
            }
            XYSeries s = line(ch, names.get(i), x, y, IFO[i % IFO.length]);
            if (i >= IFO.length) {
                s.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 3}, 0));
            }
            any = true;
        }
        if (!any) {
            line(ch, "no records", new double[] {0, 1}, new double[] {0, 0}, RAW);
        }
        return save(ch, file);
    }

    /** Named series on shared axes; {@code points} draws markers only (for sparse values such as efficiencies). */
    public static Path lines(Path file, String title, String x, String y, List<String> names, List<double[]> xs, List<double[]> ys,
                             boolean points) throws IOException {
        XYChart ch = chart(title, x, y);
        for (int i = 0; i < names.size(); i++) {
            XYSeries s = line(ch, names.get(i), xs.get(i).length == 0 ? new double[] {0} : xs.get(i),
                    ys.get(i).length == 0 ? new double[] {0} : ys.get(i), IFO[i % IFO.length]);
            if (points) {
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(IFO[i % IFO.length]);
                ch.getStyler().setMarkerSize(8);
            }
        }
        return save(ch, file);
    }

    /** Helper for callers assembling the latency plot. */
    public static List<String> names(List<org.strainline.daemon.Metrics.Series> series) {
        List<String> l = new ArrayList<>();
        for (org.strainline.daemon.Metrics.Series s : series) {
            l.add(s.name() + (s.labels().isEmpty() ? "" : " " + s.labels().replace("\"", "")));
        }
        return l;
    }
}
