-- Headless Ardour session driver for the SysEx Vault end-to-end test (tests/ardour/run.sh).
--
--   ardour7-lua session.lua create SESSION_DIR SENT_SYX
--       new session (dummy backend, 48 kHz), MIDI track "Vault" with
--       [SXV MIDI Probe (pre)] -> [SysEx Vault (VST3)] -> [SXV MIDI Probe (post)],
--       "Always Capture" on, x-virtual-keyboard -> track input, three SysEx
--       messages written to the virtual keyboard port, 1.6 s of running, save.
--       The bytes sent are written to SENT_SYX.
--   ardour7-lua session.lua reload SESSION_DIR
--       load the session, count the MIDI the plugin emits in the first
--       seconds (post probe) and what reached its input (pre probe), re-save.
--
-- Prints "RESULT key=value" lines (value = rest of the line); any failure
-- raises a Lua error, which makes ardour7-lua exit with status 1.

local mode, sess_dir = arg[1], arg[2]
local SNAPSHOT = "sxv"
local TRACK = "Vault"
local PLUGIN = "SysEx Vault"
local PROBE = "SXV MIDI Probe"
local HDR, ENT = 8, 6 -- must match sxv_probe.lua

local function R (k, v) print (string.format ("RESULT %s=%s", k, tostring (v))) end
local function ms () return math.floor (ARDOUR.LuaAPI.monotonic_time () / 1000) end

-- [pre-probe, plugin, post-probe] on the track, checked by position
local function chain (tr)
	local names, user = {}, {}
	local i = 0
	while true do
		local p = tr:nth_processor (i)
		if p:isnil () then break end
		names[#names + 1] = p:name ()
		if p:name () == PLUGIN or p:name () == PROBE then user[#user + 1] = p end
		i = i + 1
	end
	R ("chain", table.concat (names, "|"):gsub ("[ =]", "_"))
	assert (#user == 3 and user[1]:name () == PROBE and user[2]:name () == PLUGIN
		and user[3]:name () == PROBE, "unexpected processor chain")
	return user[1], user[2], user[3]
end

local function shm (probe) return probe:to_insert ():plugin (0):to_luaproc ():shmem () end

local function summary (tag, probe, nshow)
	local m = shm (probe)
	local n, nlog = m:atomic_get_int (0), m:atomic_get_int (3)
	R (tag .. "_events", n)
	R (tag .. "_sysex", m:atomic_get_int (1))
	R (tag .. "_cycles", m:atomic_get_int (2))
	R (tag .. "_first_event_cycle", m:atomic_get_int (4))
	local log = m:to_int (HDR):array ()
	local first, by_status, statuses, cyc = {}, {}, {}, {}
	for k = 0, nlog - 1 do
		local o = k * ENT
		local st = log[o + 3]
		if not by_status[st] then by_status[st] = 0; statuses[#statuses + 1] = st end
		by_status[st] = by_status[st] + 1
		cyc[log[o + 1]] = true
		if k < nshow then
			local e = string.format ("%02X", st)
			if log[o + 4] >= 0 then e = e .. string.format ("-%02X", log[o + 4]) end
			if log[o + 5] >= 0 then e = e .. string.format ("-%02X", log[o + 5]) end
			if log[o + 2] > 3 then e = e .. string.format ("..%02X(%dB)", log[o + 6], log[o + 2]) end
			first[#first + 1] = e
		end
	end
	table.sort (statuses)
	local hist = {}
	for _, st in ipairs (statuses) do hist[#hist + 1] = string.format ("%02X:%d", st, by_status[st]) end
	local ncyc = 0
	for _ in pairs (cyc) do ncyc = ncyc + 1 end
	R (tag .. "_logged", nlog)
	R (tag .. "_status_counts", table.concat (hist, ","))
	R (tag .. "_cycles_with_events", ncyc)
	R (tag .. "_first", table.concat (first, ","))
	return n
end

-- Ardour's virtual keyboard port (an AsyncMIDIPort)
local function vkbd_port ()
	local _, pl = AudioEngine:get_ports (ARDOUR.DataType ("midi"), ARDOUR.PortList ())
	for p in pl[2]:iter () do
		if p:name ():find ("x%-virtual%-keyboard$") then return p:to_asyncmidiport () end
	end
	error ("no x-virtual-keyboard port")
end

-- writes one complete MIDI message (a table of bytes) to the virtual keyboard port;
-- AsyncMIDIPort:write takes a C byte pointer, which RawMidiParser builds
local function vkbd_write (vkbd, b)
	local parser = ARDOUR.RawMidiParser ()
	local w = -1
	for _, x in ipairs (b) do
		if parser:process_byte (x) then
			assert (parser:buffer_size () == #b, "parser size mismatch")
			w = vkbd:write (parser:midi_buffer (), parser:buffer_size (), 0)
		end
	end
	assert (w == #b, "virtual keyboard write failed: " .. tostring (w))
end

local function save ()
	local t = ms ()
	assert (Session:save_state ("", false, false, false, false, false) == 0, "save_state failed")
	R ("save_ms", ms () - t)
end

if mode == "create" then
	local sent_path = arg[3]
	local t = ms ()
	assert (create_session (sess_dir, SNAPSHOT, 48000), "create_session failed")
	R ("create_ms", ms () - t) -- includes ardour7-lua's fixed 1 s settle sleep
	R ("backend", AudioEngine:current_backend_name ())
	R ("sample_rate", Session:nominal_sample_rate ())
	R ("block_size", Session:get_block_size ())

	t = ms ()
	local midi = ARDOUR.DataType ("midi")
	local tl = Session:new_midi_track (ARDOUR.ChanCount (midi, 1), ARDOUR.ChanCount (ARDOUR.DataType ("audio"), 2),
		false, ARDOUR.PluginInfo (), nil, nil, 1, TRACK, ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, false)
	assert (tl:size () == 1, "new_midi_track failed")
	local tr = tl:front ()
	local pre = ARDOUR.LuaAPI.new_luaproc (Session, PROBE)
	local vault = ARDOUR.LuaAPI.new_plugin (Session, PLUGIN, ARDOUR.PluginType.VST3, "")
	local post = ARDOUR.LuaAPI.new_luaproc (Session, PROBE)
	assert (not pre:isnil () and not post:isnil (), "Lua DSP '" .. PROBE .. "' not found (scripts dir)")
	assert (not vault:isnil (), "VST3 '" .. PLUGIN .. "' not found (scanner cache / VST3_PATH)")
	assert (tr:add_processor_by_index (pre, 0, nil, true) == 0, "add pre probe failed")
	assert (tr:add_processor_by_index (vault, 1, nil, true) == 0, "add plugin failed")
	assert (tr:add_processor_by_index (post, 2, nil, true) == 0, "add post probe failed")
	chain (tr)

	local plug = vault:to_insert ():plugin (0)
	R ("plugin_params", plug:parameter_count ())
	local idx = {}
	for n = 0, plug:parameter_count () - 1 do
		local ok = false
		local id = plug:nth_parameter (n, ok)
		idx[plug:parameter_label (id)] = n
	end
	assert (idx["Always Capture"], "no 'Always Capture' parameter")
	assert (ARDOUR.LuaAPI.set_processor_param (vault, idx["Always Capture"], 1), "set Always Capture failed")
	local ok = false
	R ("always_capture", ARDOUR.LuaAPI.get_processor_param (vault, idx["Always Capture"], ok))
	R ("midi_pass_through", ARDOUR.LuaAPI.get_processor_param (vault, idx["MIDI Pass-Through"], ok))

	-- Ardour's virtual keyboard port -> track MIDI input; monitor input so the
	-- live MIDI reaches the processors with the transport stopped.
	local vkbd = vkbd_port ()
	assert (not vkbd:isnil (), "no x-virtual-keyboard port")
	local inport = tr:input ():midi (0)
	assert (vkbd:connect (inport:name ()) == 0, "cannot connect virtual keyboard to track input")
	assert (vkbd:connected_to (inport:name ()), "virtual keyboard not connected")
	R ("vkbd_connected", vkbd:name () .. "->" .. inport:name ():gsub (" ", "_"))
	tr:monitoring_control ():set_value (ARDOUR.MonitorChoice.MonitorInput, PBD.GroupControlDisposition.NoGroup)
	R ("setup_ms", ms () - t)
	sleep (0.3)
	R ("post_events_before_send", shm (post):atomic_get_int (0))

	-- three SysEx messages (0x7D: non-commercial manufacturer id) of 40, 50, 60 bytes
	t = ms ()
	local f = assert (io.open (sent_path, "wb"))
	local nbytes = 0
	for m = 1, 3 do
		local b = { 0xF0, 0x7D, m }
		for k = 1, 26 + 10 * m do b[#b + 1] = (m * 31 + k * 7) % 128 end
		b[#b + 1] = 0xF7
		for _, x in ipairs (b) do f:write (string.char (x)) end
		vkbd_write (vkbd, b)
		nbytes = nbytes + #b
		sleep (0.05)
	end
	f:close ()
	R ("sent_messages", 3)
	R ("sent_bytes", nbytes)
	sleep (1.6) -- the plugin files a take after 1000 ms without SysEx
	R ("send_and_wait_ms", ms () - t)
	summary ("pre", pre, 8)
	summary ("post", post, 8)
	save ()
elseif mode == "reload" then
	local t = ms ()
	assert (load_session (sess_dir, SNAPSHOT), "load_session failed")
	R ("load_ms", ms () - t) -- includes ardour7-lua's fixed 1 s settle sleep
	local tr = Session:route_by_name (TRACK)
	assert (not tr:isnil (), "track not found")
	local pre, vault, post = chain (tr)
	local m = shm (post)
	R ("post_events_at_load", m:atomic_get_int (0))
	R ("post_cycles_at_load", m:atomic_get_int (2))
	sleep (1.0)
	summary ("pre", pre, 8)
	summary ("post", post, 16)
	save ()
	-- After the load: a controller and a note played live still reach the synth.
	local before = m:atomic_get_int (0)
	local vkbd = vkbd_port ()
	vkbd_write (vkbd, { 0xB0, 0x07, 0x64 })
	vkbd_write (vkbd, { 0x90, 0x3C, 0x64 })
	sleep (0.3)
	R ("live_new_events", m:atomic_get_int (0) - before)
	summary ("live_post", post, 20)
else
	error ("usage: session.lua create SESSION_DIR SENT_SYX | reload SESSION_DIR")
end
