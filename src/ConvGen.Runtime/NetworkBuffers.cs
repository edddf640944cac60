using System;

namespace ConvGen;

/// <summary>
/// The intermediate buffers of a generated <c>[OnnxModel]</c> network, one set per call in flight, so one network
/// instance serves any number of threads at once. A call rents a set, runs in it and returns it; a returned set is
/// reused by the next call (the most recent first, whose memory is likeliest still in cache). A set is allocated only
/// when every set is in use, and grown only for a batch larger than it holds, so calls allocate nothing in steady state
/// and the pool never holds more sets than there were calls at once. Called by generated networks.
/// </summary>
public sealed class NetworkBuffers
{
    private readonly int[] _sampleSizes;
    private readonly object _gate = new();
    private Set[] _idle = new Set[2];
    private int _idleCount;

    /// <summary>Creates the pool for buffers of the given sizes, in floats per sample.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public NetworkBuffers(params ReadOnlySpan<int> sampleSizes)
    {
        foreach (int size in sampleSizes)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(sampleSizes));
        }

        _sampleSizes = sampleSizes.ToArray();
    }

    /// <summary>Takes a set whose every buffer holds <paramref name="batch"/> samples, for one call; give it back with
    /// <see cref="Return"/> when the call ends.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The batch is not positive.</exception>
    /// <exception cref="OverflowException">A buffer of that batch would exceed an array's length.</exception>
    public Set Rent(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        Set? set = null;
        lock (_gate)
        {
            if (_idleCount > 0)
            {
                set = _idle[--_idleCount];
                _idle[_idleCount] = null!;
            }
        }

        set ??= new Set(_sampleSizes.Length);
        try
        {
            set.Hold(_sampleSizes, batch);
        }
        catch
        {
            Return(set);
            throw;
        }

        return set;
    }

    /// <summary>Gives back a set that <see cref="Rent"/> returned, once its call no longer uses it.</summary>
    public void Return(Set set)
    {
        ArgumentNullException.ThrowIfNull(set);
        lock (_gate)
        {
            if (_idleCount == _idle.Length)
            {
                Array.Resize(ref _idle, _idle.Length * 2);
            }

            _idle[_idleCount++] = set;
        }
    }

    /// <summary>One call's buffers.</summary>
    public sealed class Set
    {
        private readonly float[][] _buffers;
        private int _capacity; // the batch every buffer holds

        internal Set(int count)
        {
            _buffers = new float[count][];
            Array.Fill(_buffers, Array.Empty<float>());
        }

        /// <summary>The first <paramref name="length"/> floats of buffer <paramref name="index"/>.</summary>
        public Span<float> Buffer(int index, int length) => new(_buffers[index], 0, length);

        internal void Hold(int[] sampleSizes, int batch)
        {
            if (batch <= _capacity)
            {
                return;
            }

            for (int b = 0; b < _buffers.Length; b++)
            {
                _buffers[b] = GC.AllocateUninitializedArray<float>(checked(batch * sampleSizes[b]));
            }

            _capacity = batch;
        }
    }
}
