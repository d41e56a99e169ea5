using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FhirTrial.Trial.Datasets.Formats;

/// <summary>
/// A dataset as a SAS XPORT version 5 transport file (SAS TS-140, the format FDA receives): 80-byte records; a library
/// header, one member with a 140-byte NAMESTR per variable, then the observations. Numbers are 8-byte IBM hexadecimal
/// floating point (<see cref="IbmFloat"/>), a missing number is <c>.</c> followed by zeros; characters are blank-padded
/// (UTF-8 bytes; ASCII for names and labels); ADaM dates are SAS dates (days since 1960-01-01) with format DATE9.
/// </summary>
public static class XportWriter
{
    public const int RecordLength = 80;
    public const int NamestrLength = 140;
    /// <summary>Version 5 holds character values of at most 200 bytes; longer ones are cut.</summary>
    public const int MaxCharacterLength = 200;

    private const string LibraryHeader = "HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!000000000000000000000000000000  ";
    private const string MemberHeader = "HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!000000000000000001600000000140  ";
    private const string DescriptorHeader = "HEADER RECORD*******DSCRPTR HEADER RECORD!!!!!!!000000000000000000000000000000  ";
    private const string ObservationHeader = "HEADER RECORD*******OBS     HEADER RECORD!!!!!!!000000000000000000000000000000  ";

    public static byte[] Write(Dataset dataset, DatasetSource source)
    {
        var file = new XportBuffer();
        var stamp = source.CreatedAt.ToString("ddMMMyy:HH:mm:ss", CultureInfo.InvariantCulture).ToUpperInvariant();
        var name = dataset.Name.ToUpperInvariant();

        file.Record(LibraryHeader);
        file.Record(Pad("SAS", 8) + Pad("SAS", 8) + Pad("SASLIB", 8) + Pad("9.4", 8) + Pad("FHIRTRL", 8) + new string(' ', 24) + stamp);
        file.Record(Pad(stamp, 80));
        file.Record(MemberHeader);
        file.Record(DescriptorHeader);
        file.Record(Pad("SAS", 8) + Pad(name, 8) + Pad("SASDATA", 8) + Pad("9.4", 8) + Pad("FHIRTRL", 8) + new string(' ', 24) + stamp);
        file.Record(stamp + new string(' ', 16) + Pad(Ascii(dataset.Definition.Label), 40) + Pad("", 8));
        file.Record($"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!000000{dataset.Variables.Count:D4}00000000000000000000  ");

        var lengths = DatasetLengths.Of(dataset).Select((l, i) => dataset.Variables[i].IsNumeric ? 8 : Math.Min(l, MaxCharacterLength)).ToArray();
        var position = 0;
        for (var i = 0; i < dataset.Variables.Count; i++)
        {
            var v = dataset.Variables[i];
            var namestr = new byte[NamestrLength];
            BinaryPrimitives.WriteInt16BigEndian(namestr.AsSpan(0), (short)(v.IsNumeric ? 1 : 2));
            BinaryPrimitives.WriteInt16BigEndian(namestr.AsSpan(4), (short)lengths[i]);
            BinaryPrimitives.WriteInt16BigEndian(namestr.AsSpan(6), (short)(i + 1));
            Encoding.ASCII.GetBytes(Pad(v.Name.ToUpperInvariant(), 8)).CopyTo(namestr, 8);
            Encoding.ASCII.GetBytes(Pad(Ascii(v.Label), 40)).CopyTo(namestr, 16);
            var format = v.Type == VariableType.NumericDate ? "DATE" : "";
            Encoding.ASCII.GetBytes(Pad(format, 8)).CopyTo(namestr, 56);
            BinaryPrimitives.WriteInt16BigEndian(namestr.AsSpan(64), (short)(format.Length > 0 ? 9 : 0));
            Encoding.ASCII.GetBytes(Pad("", 8)).CopyTo(namestr, 72);
            BinaryPrimitives.WriteInt32BigEndian(namestr.AsSpan(84), position);
            position += lengths[i];
            file.Bytes(namestr);
        }
        file.PadRecord();

        file.Record(ObservationHeader);
        foreach (var row in dataset.Rows)
        {
            for (var i = 0; i < row.Count; i++)
            {
                if (dataset.Variables[i].IsNumeric)
                    file.Bytes(DatasetFormats.Number(row[i]) is { } number ? IbmFloat.FromDouble(number) : IbmFloat.Missing);
                else
                    file.Bytes(Characters(DatasetFormats.Text(row[i]) ?? "", lengths[i]));
            }
        }
        file.PadRecord();
        return file.ToArray();
    }

    /// <summary>A character value in exactly <paramref name="length"/> bytes: UTF-8, cut on a character boundary, blank-padded.</summary>
    private static byte[] Characters(string value, int length)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, (byte)' ');
        var encoded = Encoding.UTF8.GetBytes(value);
        var take = Math.Min(encoded.Length, length);
        while (take < encoded.Length && take > 0 && (encoded[take] & 0xC0) == 0x80) take--;
        Array.Copy(encoded, bytes, take);
        return bytes;
    }

    private static string Pad(string text, int length) => text.Length >= length ? text[..length] : text.PadRight(length);

    /// <summary>Names and labels in ASCII, as version 5 requires.</summary>
    private static string Ascii(string text) => new(text.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    private sealed class XportBuffer
    {
        private readonly MemoryStream _stream = new();

        public void Record(string text)
        {
            if (text.Length != RecordLength) throw new InvalidOperationException($"An XPORT record is 80 bytes, not {text.Length}: '{text}'.");
            Bytes(Encoding.ASCII.GetBytes(text));
        }

        public void Bytes(byte[] bytes) => _stream.Write(bytes);

        /// <summary>Blank-pads the last record to 80 bytes.</summary>
        public void PadRecord()
        {
            var rest = (int)(_stream.Length % RecordLength);
            if (rest > 0) _stream.Write(Enumerable.Repeat((byte)' ', RecordLength - rest).ToArray());
        }

        public byte[] ToArray() => _stream.ToArray();
    }
}

/// <summary>
/// IBM System/360 hexadecimal floating point, the number format of XPORT: a sign bit, a 7-bit exponent of 16 biased by
/// 64, and a 56-bit fraction (TS-140). Converted exactly from IEEE 754 doubles by shifting the 53-bit significand.
/// </summary>
public static class IbmFloat
{
    /// <summary>The standard missing value <c>.</c>: 0x2E then zeros.</summary>
    public static byte[] Missing => [0x2E, 0, 0, 0, 0, 0, 0, 0];

    public static byte[] FromDouble(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) return Missing;
        var bytes = new byte[8];
        if (value == 0) return bytes;

        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var exponent = (int)((bits >> 52) & 0x7FF);
        var significand = (ulong)bits & 0xF_FFFF_FFFF_FFFFUL;
        if (exponent == 0)
        {
            // Subnormal: far below anything IBM float holds.
            return bytes;
        }
        significand |= 1UL << 52;
        var e = exponent - 1023;               // value = significand * 2^(e - 52)
        // IBM: value = fraction * 2^(4 * (x - 64) - 56); shift the significand left by s (0..3) so its top hex digit is non-zero.
        var shift = ((e + 260) % 4 + 4) % 4;
        var x = (e + 260 - shift) / 4;
        if (x > 127) throw new OverflowException($"{value} is too large for IBM floating point.");
        if (x < 0) return bytes;               // underflows to 0
        var fraction = significand << shift;   // at most 56 bits
        var word = ((ulong)(negative ? 0x80 : 0) << 56) | ((ulong)x << 56) | fraction;
        BinaryPrimitives.WriteUInt64BigEndian(bytes, word);
        return bytes;
    }
}
