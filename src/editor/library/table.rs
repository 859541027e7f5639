//! The library table: sortable headers and one row per shown entry (select, favourite, name with
//! rename in place, and the entry's facts), laid out only for the visible rows.

use super::{format, LibraryPanel, Row, Shared, SortKey, UiSettings, ROW_HEIGHT};
use crate::library::EntryId;
use crate::store::Edit;
use egui_extras::{Column, TableBuilder};

impl LibraryPanel {
    /// The table itself: a header that sorts, and only the visible rows laid out.
    pub(super) fn table(
        &mut self,
        ui: &mut egui::Ui,
        s: &mut Shared<'_>,
        settings: &mut UiSettings,
        scroll_to: Option<usize>,
    ) {
        let mut table = TableBuilder::new(ui)
            .id_salt("library table")
            .striped(true)
            .resizable(true)
            .auto_shrink([false, false])
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(22.0))
            .column(Column::exact(22.0))
            .column(Column::initial(34.0).at_least(28.0))
            .column(Column::initial(180.0).at_least(60.0).clip(true))
            .column(Column::initial(110.0).at_least(40.0).clip(true))
            .column(Column::initial(64.0).at_least(30.0).clip(true))
            .column(Column::initial(40.0).at_least(30.0))
            .column(Column::initial(64.0).at_least(40.0))
            .column(Column::initial(118.0).at_least(40.0).clip(true))
            .column(Column::initial(90.0).at_least(30.0).clip(true))
            .column(Column::remainder().at_least(60.0).clip(true));
        if let Some(row) = scroll_to {
            table = table.scroll_to_row(row, None);
        }
        let header = [
            (None, "", ""),
            (Some(SortKey::Favourite), "★", "Sort favourites first"),
            (
                Some(SortKey::Position),
                "#",
                "Library order (the order sends use)",
            ),
            (Some(SortKey::Name), "Name", "Sort by name"),
            (Some(SortKey::Device), "Device", "Sort by device"),
            (Some(SortKey::Kind), "Kind", "Sort by kind"),
            (Some(SortKey::Messages), "Msgs", "Sort by message count"),
            (Some(SortKey::Size), "Size", "Sort by size"),
            (
                Some(SortKey::Created),
                "Captured",
                "Sort by capture or import time",
            ),
            (Some(SortKey::Tags), "Tags", "Sort by tags"),
            (Some(SortKey::Notes), "Notes", "Sort by note"),
        ];
        let rows = &self.cache.rows;
        let order = &self.view.shown;
        let renaming = &mut self.renaming;
        table
            .header(ROW_HEIGHT, |mut h| {
                for (key, title, tip) in header {
                    h.col(|ui| sort_header(ui, settings, key, title, tip));
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, order.len(), |mut row| {
                    let r = &rows[order[row.index()]];
                    row.set_selected(s.selection.contains(&r.id));
                    row.col(|ui| select_cell(ui, s, r));
                    row.col(|ui| favourite_cell(ui, s, r));
                    row.col(|ui| {
                        ui.label((r.position + 1).to_string());
                    });
                    row.col(|ui| name_cell(ui, s, r, renaming));
                    row.col(|ui| {
                        ui.add(egui::Label::new(&r.device).truncate());
                    });
                    row.col(|ui| {
                        ui.label(r.kind);
                    });
                    row.col(|ui| {
                        ui.label(r.messages.to_string());
                    });
                    row.col(|ui| {
                        ui.label(format::bytes(r.bytes as u64));
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(format::datetime(r.created)).truncate());
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(&r.tags).truncate());
                    });
                    row.col(|ui| note_cell(ui, r));
                });
            });
    }
}

/// A column header that sorts by `key` (a second click reverses the order).
fn sort_header(
    ui: &mut egui::Ui,
    settings: &mut UiSettings,
    key: Option<SortKey>,
    title: &str,
    tip: &str,
) {
    let Some(key) = key else { return };
    let arrow = match (settings.sort == key, settings.descending) {
        (true, false) => " ⏶",
        (true, true) => " ⏷",
        _ => "",
    };
    let b = ui
        .add(egui::Button::new(format!("{title}{arrow}")).frame(false))
        .on_hover_text(format!("{tip} (click again to reverse)"));
    if b.clicked() {
        if settings.sort == key {
            settings.descending = !settings.descending;
        } else {
            settings.sort = key;
            settings.descending = false;
        }
    }
}

/// The row's selection check box.
fn select_cell(ui: &mut egui::Ui, s: &mut Shared<'_>, r: &Row) {
    let mut checked = s.selection.contains(&r.id);
    let check = ui.add(egui::Checkbox::without_text(&mut checked));
    check.widget_info(|| {
        egui::WidgetInfo::selected(
            egui::Role::CheckBox,
            true,
            checked,
            format!("Select {}", r.name),
        )
    });
    if check.changed() {
        if checked {
            s.selection.push(r.id);
        } else {
            s.selection.retain(|x| *x != r.id);
        }
    }
}

/// The favourite star (a click changes it, as an undoable edit).
fn favourite_cell(ui: &mut egui::Ui, s: &mut Shared<'_>, r: &Row) {
    let star = ui
        .add(egui::Button::new(if r.favourite { "★" } else { "☆" }).frame(false))
        .on_hover_text("Favourite (click to change)");
    star.widget_info(|| {
        egui::WidgetInfo::selected(
            egui::Role::CheckBox,
            true,
            r.favourite,
            format!("Favourite {}", r.name),
        )
    });
    if star.clicked() {
        s.edit(Edit::SetFavourite(r.id, !r.favourite));
    }
}

/// The name: a button that shows and selects the entry (double-click renames), or the rename
/// field while renaming (Enter or leaving it keeps the name, Escape drops it).
fn name_cell(
    ui: &mut egui::Ui,
    s: &mut Shared<'_>,
    r: &Row,
    renaming: &mut Option<(EntryId, String)>,
) {
    if let Some((_, text)) = renaming.as_mut().filter(|(id, _)| *id == r.id) {
        let edit = ui.add(
            egui::TextEdit::singleline(text)
                .hint_text("New name")
                .desired_width(f32::INFINITY),
        );
        let (escape, enter) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::Escape),
                i.key_pressed(egui::Key::Enter),
            )
        });
        if escape || enter || edit.lost_focus() {
            // Escape leaves the name as it was; Enter or leaving the field keeps the new one.
            // The field gives the keyboard back, so the list's keys work at once.
            ui.memory_mut(|m| m.surrender_focus(edit.id));
            if let Some((id, name)) = renaming.take().filter(|_| !escape) {
                if !name.trim().is_empty() {
                    s.edit(Edit::Rename(id, name.trim().to_owned()));
                }
            }
        } else if !edit.has_focus() {
            edit.request_focus();
        }
        return;
    }
    let name = ui
        .add(egui::Button::selectable(*s.focus == Some(r.id), r.name.as_str()).truncate())
        .on_hover_text(
            "Click to show it, Ctrl/Shift-click to add it to the selection, double-click to rename",
        );
    if name.clicked() {
        *s.focus = Some(r.id);
        if !ui.input(|i| i.modifiers.command || i.modifiers.shift) {
            s.selection.clear();
        }
        if !s.selection.contains(&r.id) {
            s.selection.push(r.id);
        }
    }
    if name.double_clicked() {
        *renaming = Some((r.id, r.name.clone()));
    }
}

/// The user's note, then what the library noticed (in amber).
fn note_cell(ui: &mut egui::Ui, r: &Row) {
    if !r.note.is_empty() {
        ui.add(egui::Label::new(&r.note).truncate());
    }
    if !r.markers.is_empty() {
        ui.add(
            egui::Label::new(
                egui::RichText::new(&r.markers).color(egui::Color32::from_rgb(230, 160, 40)),
            )
            .truncate(),
        );
    }
}
