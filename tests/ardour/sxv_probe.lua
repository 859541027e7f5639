ardour {
	["type"]    = "dsp",
	name        = "SXV MIDI Probe",
	category    = "Utility",
	license     = "ISC",
	author      = "SysEx Vault tests",
	description = [[Test helper for tests/ardour: passes everything through and counts/logs the MIDI events at its input in shared memory (read by the session script)]]
}

-- Shared memory (int32), read from the session script via
-- processor:to_insert():plugin(0):to_luaproc():shmem():
--   [0] MIDI events seen   [1] of which SysEx (F0)   [2] process cycles run
--   [3] events logged      [4] cycle of the first event (-1: none)
--   [HDR + k*ENT ...] log entry k: cycle, size, byte1, byte2, byte3, last byte
--   (bytes that do not exist are -1)
local HDR = 8
local ENT = 6
local LOG = 1024

function dsp_ioconfig ()
	return { { midi_in = 1, midi_out = 1, audio_in = -1, audio_out = -1 }, }
end

function dsp_init (rate)
	self:shmem ():allocate (HDR + LOG * ENT)
	self:shmem ():clear ()
	self:shmem ():atomic_set_int (4, -1)
end

function dsp_configure (ins, outs)
	n_out = outs
end

function dsp_runmap (bufs, in_map, out_map, n_samples, offset)
	local shm = self:shmem ()
	local cyc = shm:atomic_get_int (2) + 1
	shm:atomic_set_int (2, cyc)
	-- pass audio and MIDI through unchanged
	ARDOUR.DSP.process_map (bufs, n_out, in_map, out_map, n_samples, offset)
	local ib = in_map:get (ARDOUR.DataType ("midi"), 0)
	if ib == ARDOUR.ChanMapping.Invalid then return end
	local n = shm:atomic_get_int (0)
	local nsx = shm:atomic_get_int (1)
	local nlog = shm:atomic_get_int (3)
	local log = shm:to_int (HDR):array ()
	for _, e in pairs (bufs:get_midi (ib):table ()) do
		local sz = e:size ()
		local b = e:buffer ():array ()
		if n == 0 then shm:atomic_set_int (4, cyc) end
		n = n + 1
		if b[1] == 0xF0 then nsx = nsx + 1 end
		if nlog < LOG then
			local o = nlog * ENT
			log[o + 1] = cyc
			log[o + 2] = sz
			log[o + 3] = b[1]
			log[o + 4] = sz > 1 and b[2] or -1
			log[o + 5] = sz > 2 and b[3] or -1
			log[o + 6] = b[sz]
			nlog = nlog + 1
		end
	end
	shm:atomic_set_int (0, n)
	shm:atomic_set_int (1, nsx)
	shm:atomic_set_int (3, nlog)
end
