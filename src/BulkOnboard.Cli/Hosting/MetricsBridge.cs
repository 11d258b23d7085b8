using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Prometheus;

namespace BulkOnboard.Cli.Hosting;

/// <summary>
/// Exports one <see cref="System.Diagnostics.Metrics.Meter"/> to a prometheus-net registry the way Prometheus
/// users expect: a <see cref="Counter{T}"/> becomes a Prometheus counter named <c>bulkonboard_&lt;name&gt;_total</c>
/// (so <c>rate()</c> and alert rules treat it as one), an observable gauge a gauge <c>bulkonboard_&lt;name&gt;</c>,
/// read at each scrape. The measurement's tags become its labels.
/// </summary>
internal sealed class MetricsBridge : IDisposable
{
    private const string Prefix = "bulkonboard_";

    private readonly MeterListener _listener = new();
    private readonly IMetricFactory _factory;
    private readonly ConcurrentDictionary<string, Prometheus.Counter> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Prometheus.Gauge> _gauges = new(StringComparer.Ordinal);

    public MetricsBridge(Meter meter, CollectorRegistry registry)
    {
        _factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var names = new string[tags.Length];
        var values = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            names[i] = tags[i].Key;
            values[i] = tags[i].Value?.ToString() ?? string.Empty;
        }

        if (instrument is Counter<long> or Counter<double>)
        {
            var counter = _counters.GetOrAdd(instrument.Name, name => _factory.CreateCounter(Prefix + name + "_total", instrument.Description ?? name, names));
            counter.WithLabels(values).Inc(value);
        }
        else
        {
            var gauge = _gauges.GetOrAdd(instrument.Name, name => _factory.CreateGauge(Prefix + name, instrument.Description ?? name, names));
            gauge.WithLabels(values).Set(value);
        }
    }
}
