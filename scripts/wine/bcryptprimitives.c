/*
 * A stand-in bcryptprimitives.dll for running our Windows test binaries under Wine 8, which
 * lacks this DLL. Rust >= 1.78 fills its random seeds (HashMap keys, ...) with
 * bcryptprimitives!ProcessPrng; without it a Rust .exe fails to start under Wine 8.
 *
 * Testing only, never shipped: Windows 10 and 11 have the real DLL. scripts/test-windows builds
 * it with mingw and puts it into the throw-away WINEPREFIX's system32. See docs/windows.md.
 *
 * ProcessPrng forwards to RtlGenRandom (advapi32!SystemFunction036), which Wine has.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* RtlGenRandom takes a 32-bit length: fill larger requests in pieces. */
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
