//! The library's actions on the patches inside a bank: split it (as the model that made it,
//! where that changes the split) and rename one of its patches in its bytes.

use super::Shared;
use crate::devices;
use crate::library::{patches, EntryId};
use crate::store::{Edit, Level};

/// What the bank actions remember between frames.
#[derive(Default)]
pub(super) struct BankTools {
    /// The model chosen for a split (`None`: as far as the bytes tell).
    model: Option<String>,
    /// The entry whose patch is being renamed, the patch (0-based) and its new name.
    rename: Option<(EntryId, usize, String)>,
}

/// Splits entry `id` into its patches as `model` made it: in its place when the patches give
/// its bytes back, else after it (the entry kept). Warnings and notes go to the log; the whole
/// split is one undo step.
pub(super) fn split(s: &mut Shared<'_>, id: EntryId, model: Option<&str>) {
    let result = s.handles.store.read(|l| {
        l.get(id)
            .map(|e| patches::split_into_patches_as(devices::registry(), e, model))
    });
    match result {
        Some(Ok(split)) => {
            for w in &split.warnings {
                s.handles.store.log(Level::Warning, format!("Split: {w}"));
            }
            if split.dropped > 0 {
                s.handles.store.log(
                    Level::Warning,
                    format!(
                        "Split: {} patch(es) dropped bits they cannot carry (see their notes)",
                        split.dropped
                    ),
                );
            }
            if split.keep_original {
                s.handles.store.log(
                    Level::Info,
                    "Split: the patches do not give the bank's bytes back, so the bank is kept before them".into(),
                );
            }
            let mut inverse = Vec::new();
            for edit in split.edits(id) {
                inverse.splice(0..0, s.handles.store.edit(edit));
            }
            if !inverse.is_empty() {
                s.undo.push(inverse);
            }
            s.selection.clear();
        }
        Some(Err(why)) => s
            .handles
            .store
            .log(Level::Warning, format!("Not split: {why}")),
        None => {}
    }
}

impl BankTools {
    /// The model a split uses.
    pub(super) fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// The row of bank actions for the one selected entry: the model to split as (where the
    /// model changes the split) and renaming a patch inside it.
    pub(super) fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, id: EntryId) {
        let (models, names) = s.handles.store.read(|l| {
            l.get(id).map_or_else(Default::default, |e| {
                // Models matter where the bank's slots depend on them (a companion, fewer
                // slots stored).
                let models = e
                    .messages
                    .first()
                    .and_then(|m| devices::registry().identify(m))
                    .filter(|(_, m, _)| {
                        m.slots
                            .as_ref()
                            .is_some_and(|s| s.with.is_some() || !s.stored.is_empty())
                    })
                    .map_or_else(Vec::new, |(d, _, _)| d.models.clone());
                (models, patches::patch_names(devices::registry(), e))
            })
        });
        if models.len() < 2 && names.len() < 2 {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            if models.len() > 1 {
                if self.model.as_ref().is_some_and(|m| !models.contains(m)) {
                    self.model = None;
                }
                egui::ComboBox::from_label("split as")
                    .selected_text(self.model.as_deref().unwrap_or("the bytes tell"))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.model, None, "the bytes tell");
                        for m in &models {
                            ui.selectable_value(&mut self.model, Some(m.clone()), m);
                        }
                    })
                    .response
                    .on_hover_text("The model that made the bank, where it changes the split (a DX100 stores 24 voices)");
            }
            if names.len() > 1 {
                self.rename_ui(ui, s, id, &names);
            }
        });
    }

    /// Choose a patch of the bank, type its new name, rename it in the bytes.
    fn rename_ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, id: EntryId, names: &[String]) {
        if self
            .rename
            .as_ref()
            .is_none_or(|r| r.0 != id || r.1 >= names.len())
        {
            self.rename = Some((id, 0, names[0].clone()));
        }
        let Some((_, patch, name)) = &mut self.rename else {
            return;
        };
        let before = *patch;
        egui::ComboBox::from_label("Patch")
            .selected_text(format!("{} {}", *patch + 1, names[*patch]))
            .show_ui(ui, |ui| {
                for (i, n) in names.iter().enumerate() {
                    ui.selectable_value(patch, i, format!("{} {n}", i + 1));
                }
            })
            .response
            .on_hover_text("A patch inside the bank");
        if *patch != before {
            *name = names[*patch].clone();
        }
        let label = ui.label("New name");
        ui.add(
            egui::TextEdit::singleline(name)
                .desired_width(90.0)
                .id_salt("patch new name"),
        )
        .labelled_by(label.id)
        .on_hover_text("The patch's new name (the synth's characters and length)");
        if ui
            .button("Rename patch")
            .on_hover_text(
                "Write the name into the bank's bytes and correct its checksum (Undo puts it back)",
            )
            .clicked()
        {
            let (patch, name) = (*patch, name.clone());
            let result = s.handles.store.read(|l| {
                l.get(id)
                    .map(|e| patches::rename_patch(devices::registry(), e, patch, &name))
            });
            match result {
                Some(Ok(messages)) => s.edit(Edit::SetMessages(id, messages)),
                Some(Err(why)) => s
                    .handles
                    .store
                    .log(Level::Warning, format!("Patch not renamed: {why}")),
                None => {}
            }
        }
    }
}
