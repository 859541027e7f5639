//! The editor on a library of 10,000 entries / 100 MiB: the time of one frame (egui layout of the
//! whole window plus tessellation, what the host's GUI thread pays per repaint; GPU painting not
//! included), and opening the editor on that library (a fresh egui context, the editor, and its
//! first frame, which builds the list's rows).

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Instant;
use sysex_vault::editor::{Handles, HostParams, Tab, VaultUi};
use sysex_vault::library::{Entry, Library, Source};

struct NoHost;

impl HostParams for NoHost {
    fn record(&self) -> bool {
        false
    }
    fn set_record(&self, _: bool) {}
}

/// 10,000 entries of 10 KiB each (100 MiB): manufacturer-private dumps with varied bytes, every
/// tenth a favourite with a tag and a note.
fn library() -> Library {
    let mut lib = Library::default();
    let mut x: u32 = 1;
    for i in 0..10_000u32 {
        let mut m = Vec::with_capacity(10_240);
        m.extend([0xF0, 0x7D, (i % 128) as u8]);
        m.extend((0..10_236).map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            ((x >> 16) % 128) as u8
        }));
        m.push(0xF7);
        let mut e = Entry::new(
            sysex_vault::devices::registry(),
            vec![m],
            Source::Capture,
            1_796_052_331_000 + u64::from(i),
        );
        e.name = format!("Patch {i:05}");
        if i % 10 == 0 {
            e.favourite = true;
            e.tags = vec!["live".into()];
            e.note = format!("note {i}");
        }
        lib.add(e);
    }
    lib
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1100.0, 720.0),
        )),
        ..Default::default()
    }
}

fn frame(ctx: &egui::Context, ui: &mut VaultUi) -> usize {
    let out = ctx.run_ui(input(), |root| {
        egui::CentralPanel::default().show(root, |ui_| ui.ui(ui_));
    });
    ctx.tessellate(out.shapes, out.pixels_per_point).len()
}

fn open(handles: &Handles) -> (egui::Context, VaultUi) {
    let ctx = egui::Context::default();
    let mut ui = VaultUi::new(handles.clone(), Box::new(NoHost));
    // Two entries selected: the Compare tab compares them (the Details tab shows the first).
    let ids = handles
        .store
        .read(|l| l.entries.iter().take(2).map(|e| e.id).collect::<Vec<_>>());
    ui.select(ids);
    frame(&ctx, &mut ui);
    (ctx, ui)
}

fn editor_bench(c: &mut Criterion) {
    let handles = Handles::detached();
    let lib = library();
    let bytes = lib.byte_len();
    handles.store.write(|l| *l = lib);
    eprintln!(
        "editor library: {} entries, {:.1} MiB",
        10_000,
        bytes as f64 / 1_048_576.0
    );
    let mut g = c.benchmark_group("editor 10,000 entries");
    g.sample_size(10);
    g.bench_function("open (new context, editor, first frame)", |b| {
        b.iter(|| open(&handles).1)
    });
    for tab in [Tab::Details, Tab::Send, Tab::Compare] {
        handles.settings.write().unwrap().tab = tab;
        let (ctx, mut ui) = open(&handles);
        // Let fonts and caches settle, as after the first second on screen.
        for _ in 0..3 {
            frame(&ctx, &mut ui);
        }
        let start = Instant::now();
        for _ in 0..20 {
            frame(&ctx, &mut ui);
        }
        eprintln!(
            "editor frame, {tab:?} tab: {:.2} ms",
            start.elapsed().as_secs_f64() * 1000.0 / 20.0
        );
        g.bench_function(format!("frame, {tab:?} tab"), |b| {
            b.iter(|| frame(&ctx, &mut ui))
        });
    }
    g.finish();
}

criterion_group!(benches, editor_bench);
criterion_main!(benches);
