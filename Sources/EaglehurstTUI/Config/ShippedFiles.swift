// Generated: do not edit. ShippedFilesTests fails when this differs from themes/ and keymaps/;
// regenerate with `EAGLEHURST_REGENERATE=1 swift test --filter ShippedFilesTests`.
enum ShippedFiles {
    static let themes: [String: String] = [
        "dark": #"""
# Eaglehurst dark theme (the default).
# Each [section] is a semantic style; unset fields come from its parent style, and every style
# starts from [app.background]. Colours: default, a name (black, red, ..., bright-white, gray) or #rrggbb.
name = "dark"

[app.background]
fg = "#d0d0d0"
bg = "#1c1c1c"

[title]
fg = "#87afff"
bold = true

[text]

[text.dim]
fg = "#808080"

[label]
fg = "#afafaf"

[border]
fg = "#4e4e4e"

[list.header]
fg = "#87afd7"
bold = true
underline = true

[list.row]

[list.selected]
fg = "#ffffff"
bg = "#005f87"
bold = true

[status.bar]
fg = "#d0d0d0"
bg = "#303030"

[status.screen]
fg = "#1c1c1c"
bg = "#87afff"
bold = true

[status.key]
fg = "#ffd75f"
bold = true

[status.user]
fg = "#afd7ff"
bold = true

[status.connected]
fg = "#87d787"

[status.connecting]
fg = "#ffd75f"

[status.unreachable]
fg = "#ff5f5f"
bold = true

[status.error]
fg = "#ff5f5f"
bold = true

[status.ok]
fg = "#87d787"

[status.info]
fg = "#87afd7"

[stale]
fg = "#af8700"

[spinner]
fg = "#ffd75f"

[badge.unread]
fg = "#1c1c1c"
bg = "#ff8700"
bold = true

[list.unread]
bold = true

[message.mine]
fg = "#87d7ff"
bold = true

[message.theirs]
fg = "#ffd787"
bold = true

[overlay]
fg = "#e4e4e4"
bg = "#262626"

[overlay.border]
fg = "#87afff"

[help.title]
fg = "#87afff"
bold = true

[help.section]
fg = "#87afd7"
bold = true

[help.key]
fg = "#ffd75f"
bold = true

[input]
fg = "#d0d0d0"
bg = "#303030"

[input.focused]
fg = "#ffffff"
bg = "#005f87"

[input.error]
fg = "#ff5f5f"

[command.line]
fg = "#e4e4e4"
bg = "#262626"

[command.completion]
fg = "#808080"

[dialog.danger]
fg = "#ff5f5f"
bold = true

[button]
fg = "#d0d0d0"
bg = "#3a3a3a"

[button.focused]
fg = "#ffffff"
bg = "#af0000"
bold = true

"""#,
        "high-contrast": #"""
# Eaglehurst high-contrast theme: black and white with the 16 ANSI colours only, bold where it helps,
# so it reads the same on every terminal and under every colour profile.
name = "high-contrast"

[app.background]
fg = "bright-white"
bg = "black"

[title]
fg = "bright-yellow"
bold = true
underline = true

[text]

[text.dim]
fg = "white"

[label]
fg = "bright-white"
bold = true

[border]
fg = "bright-white"

[list.header]
fg = "bright-cyan"
bold = true
underline = true

[list.row]

[list.selected]
fg = "black"
bg = "bright-yellow"
bold = true

[status.bar]
fg = "black"
bg = "bright-white"

[status.screen]
fg = "bright-white"
bg = "blue"
bold = true

[status.key]
fg = "blue"
bold = true

[status.user]
fg = "black"
bold = true

[status.connected]
fg = "green"
bold = true

[status.connecting]
fg = "blue"
bold = true

[status.unreachable]
fg = "red"
bold = true

[status.error]
fg = "bright-red"
bold = true
underline = true

[status.ok]
fg = "bright-green"
bold = true

[status.info]
fg = "bright-cyan"
bold = true

[stale]
fg = "bright-yellow"
bold = true

[spinner]
fg = "bright-yellow"
bold = true

[badge.unread]
fg = "black"
bg = "bright-magenta"
bold = true

[list.unread]
bold = true

[message.mine]
bold = true

[message.theirs]
bold = true
underline = true

[overlay]
fg = "bright-white"
bg = "black"

[overlay.border]
fg = "bright-yellow"
bold = true

[help.title]
fg = "bright-yellow"
bold = true

[help.section]
fg = "bright-cyan"
bold = true
underline = true

[help.key]
fg = "bright-yellow"
bold = true

[input]
fg = "bright-white"
bg = "black"
underline = true

[input.focused]
fg = "black"
bg = "bright-white"

[input.error]
fg = "bright-red"
bold = true

[command.line]
fg = "bright-white"
bg = "black"

[command.completion]
fg = "bright-cyan"

[dialog.danger]
fg = "bright-red"
bold = true

[button]
fg = "bright-white"
bg = "black"
underline = true

[button.focused]
fg = "black"
bg = "bright-red"
bold = true

"""#,
        "light": #"""
# Eaglehurst light theme, for light terminal backgrounds.
name = "light"

[app.background]
fg = "#262626"
bg = "#fafafa"

[title]
fg = "#005faf"
bold = true

[text]

[text.dim]
fg = "#6c6c6c"

[label]
fg = "#4e4e4e"

[border]
fg = "#b2b2b2"

[list.header]
fg = "#005f87"
bold = true
underline = true

[list.row]

[list.selected]
fg = "#000000"
bg = "#afd7ff"
bold = true

[status.bar]
fg = "#262626"
bg = "#e4e4e4"

[status.screen]
fg = "#ffffff"
bg = "#005faf"
bold = true

[status.key]
fg = "#875f00"
bold = true

[status.user]
fg = "#005f87"
bold = true

[status.connected]
fg = "#008700"

[status.connecting]
fg = "#875f00"

[status.unreachable]
fg = "#d70000"
bold = true

[status.error]
fg = "#d70000"
bold = true

[status.ok]
fg = "#008700"

[status.info]
fg = "#005f87"

[stale]
fg = "#875f00"

[spinner]
fg = "#875f00"

[badge.unread]
fg = "#ffffff"
bg = "#d75f00"
bold = true

[list.unread]
bold = true

[message.mine]
fg = "#005f87"
bold = true

[message.theirs]
fg = "#875f00"
bold = true

[overlay]
fg = "#1c1c1c"
bg = "#eeeeee"

[overlay.border]
fg = "#005faf"

[help.title]
fg = "#005faf"
bold = true

[help.section]
fg = "#005f87"
bold = true

[help.key]
fg = "#875f00"
bold = true

[input]
fg = "#262626"
bg = "#e4e4e4"

[input.focused]
fg = "#000000"
bg = "#afd7ff"

[input.error]
fg = "#d70000"

[command.line]
fg = "#1c1c1c"
bg = "#eeeeee"

[command.completion]
fg = "#6c6c6c"

[dialog.danger]
fg = "#d70000"
bold = true

[button]
fg = "#262626"
bg = "#d0d0d0"

[button.focused]
fg = "#ffffff"
bg = "#d70000"
bold = true

"""#,
    ]
    static let keymaps: [String: String] = [
        "default": #"""
# Eaglehurst default keymap.
# Each [section] is a context; each line gives an action one key or a list of keys.
# Keys: a character (q, G, ?), a sequence (gg), or a named key: <enter> <esc> <tab> <s-tab> <bs>
# <del> <up> <down> <left> <right> <home> <end> <pgup> <pgdown> <space> <lt> <c-r> <f1>...<f12>.
# A keymap of your own in $XDG_CONFIG_HOME/eaglehurst/keymaps/NAME.toml overrides only the actions it names.
# In forms, printable keys type into the field, so form actions use named keys.

[global]
help = ["?", "<f1>"]
command_line = ":"
quit = ["q", "<c-c>"]
go_threads = "gt"
go_notifications = "gn"
go_subscriptions = "gs"
go_services = "gv"
go_dashboard = "gd"

[status]
refresh = ["r", "<c-r>", "<f5>"]
sign_in = ["s", "<enter>"]

[signin]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
create_account = "<f2>"
forgot_password = "<f3>"
back = "<esc>"

[register]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
back = "<esc>"

[verify]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
resend_code = "<c-r>"
back = "<esc>"

[forgot_password]
submit = "<enter>"
have_token = "<f2>"
back = "<esc>"

[reset_password]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
back = "<esc>"

[profile]
edit_details = "e"
edit_profile = "b"
upload_avatar = "a"
upload_document = "k"
verify_email = "v"
refresh = ["r", "<c-r>", "<f5>"]
sign_out = "o"
go_listings = "l"
go_saved = "w"
go_my_listings = "m"
go_admin = "A"

[profile_edit]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
cancel = "<esc>"

[help]
close = ["<esc>", "q", "?"]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = "<home>"
bottom = "<end>"

[command]
complete = "<tab>"
run = "<enter>"
cancel = ["<esc>", "<c-c>"]

[confirm]
confirm = "y"
cancel = ["n", "<esc>"]
toggle_choice = ["<tab>", "<left>", "<right>"]
choose = "<enter>"

[listings]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
open = "<enter>"
search = "/"
filter = "f"
sort = "o"
clear_filters = "x"
toggle_save = "s"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[listings_search]
run = "<enter>"
cancel = "<esc>"
down = "<down>"
up = "<up>"

[listings_filter]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
cancel = "<esc>"

[listing_detail]
toggle_save = "s"
request_connection = "c"
ask_service = "v"
open_gallery = "m"
down = ["<down>", "j"]
up = ["<up>", "k"]
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[saved]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
open = "<enter>"
edit_note = "n"
toggle_save = "s"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[my_listings]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
open = "<enter>"
new_listing = "n"
edit_listing = "e"
submit_listing = "p"
attach_media = "m"
show_analytics = "a"
mark_sold = "S"
archive_listing = "X"
delete_listing = "d"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[seller_detail]
next_media = "<tab>"
previous_media = "<s-tab>"
delete_media = "d"
open_gallery = "m"
mark_sold = "S"
archive_listing = "X"
ask_service = "v"
down = ["<down>", "j"]
up = ["<up>", "k"]
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[listing_form]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
edit_long_text = ["<f4>", "<c-x>"]
submit = "<enter>"
cancel = "<esc>"

[media_form]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
cancel = "<esc>"

[analytics]
cycle_period = "p"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[admin_queue]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
open = "<enter>"
approve = "a"
reject = "r"
switch_queue = "<tab>"
filter = "f"
filter_seller = "s"
show_users = "u"
show_service_desk = "d"
refresh = ["<c-r>", "<f5>"]
back = "<esc>"

[queue_filter]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
cancel = "<esc>"

[admin_detail]
approve = "a"
reject = "r"
open_gallery = "m"
down = ["<down>", "j"]
up = ["<up>", "k"]
back = "<esc>"

[admin_users]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
verify_user = "v"
refuse_verification = "V"
suspend_user = "x"
filter = "f"
show_queue = "l"
show_service_desk = "d"
open_documents = "o"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[user_filter]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
cancel = "<esc>"

[prompt]
submit = "<enter>"
cancel = "<esc>"

[text_editor]
done = ["<f2>", "<c-d>"]
cancel = "<esc>"

[gallery]
next_media = ["<tab>", "<right>", "l", "<space>"]
previous_media = ["<s-tab>", "<left>", "h"]
save_file = "s"
open = ["o", "<enter>"]
refresh = "r"
close = ["<esc>", "q", "m"]

[threads]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = "<c-d>"
page_up = "<c-u>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
compose = ["<enter>", "i"]
edit_long_text = "e"
accept = "a"
reject = "x"
block = "B"
notes = "n"
filter = "f"
scroll_thread_up = ["<pgup>", "K"]
scroll_thread_down = ["<pgdown>", "J"]
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[compose]
send = "<enter>"
newline = "<c-o>"
edit_long_text = ["<f4>", "<c-x>"]
cancel = "<esc>"

[notifications]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
open = "<enter>"
mark_read = "m"
mark_all_read = "M"
toggle_unread = "u"
show_preferences = "p"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[preferences]
down = ["<down>", "j"]
up = ["<up>", "k"]
toggle_email = "e"
toggle_push = "p"
close = "<esc>"

[subscriptions]
down = ["<down>", "j", "<right>", "l"]
up = ["<up>", "k", "<left>", "h"]
upgrade = ["<enter>", "u"]
toggle_billing = "y"
cancel_subscription = "X"
switch_pane = "<tab>"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[payment_methods]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
add_card = "a"
delete_card = "d"
switch_pane = "<tab>"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[invoices]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
switch_pane = "<tab>"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[checkout]
down = ["<down>", "j"]
up = ["<up>", "k"]
choose = "<enter>"
add_card = "a"
cancel = "<esc>"

[checkout_review]
confirm = ["y", "<enter>"]
back = "<esc>"

[card_form]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
submit = "<enter>"
cancel = "<esc>"

[services]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
open = "<enter>"
new_request = "n"
filter = "f"
show_queue = "l"
show_users = "u"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[service_detail]
compose = ["<enter>", "i"]
edit_long_text = "e"
switch_pane = "<tab>"
upload_document = "a"
advance_status = "m"
assign_provider = "p"
write_as = "w"
cancel_request = "X"
scroll_thread_up = ["<pgup>", "K"]
scroll_thread_down = ["<pgdown>", "J"]
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[service_compose]
send = "<enter>"
newline = "<c-o>"
edit_long_text = ["<f4>", "<c-x>"]
cancel = "<esc>"

[service_documents]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
download_document = ["d", "<enter>"]
upload_document = "a"
switch_pane = "<tab>"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

[service_chooser]
down = ["<down>", "j"]
up = ["<up>", "k"]
page_down = ["<pgdown>", "<space>"]
page_up = "<pgup>"
top = ["<home>", "gg"]
bottom = ["<end>", "G"]
choose = "<enter>"
cancel = "<esc>"

[service_form]
next_field = ["<tab>", "<down>"]
previous_field = ["<s-tab>", "<up>"]
edit_long_text = ["<f4>", "<c-x>"]
submit = "<enter>"
cancel = "<esc>"

[dashboard]
cycle_period = "p"
switch_pane = "<tab>"
previous_point = ["<left>", "h"]
next_point = ["<right>", "l"]
down = ["<down>", "j"]
up = ["<up>", "k"]
open = "<enter>"
refresh = ["r", "<c-r>", "<f5>"]
back = "<esc>"

"""#,
        "vim": #"""
# Eaglehurst vim keymap: the default keymap with vim's movement keys.
# Actions not named here keep their default keys.

[signin]
next_field = ["<tab>", "<down>", "<c-n>"]
previous_field = ["<s-tab>", "<up>", "<c-p>"]

[register]
next_field = ["<tab>", "<down>", "<c-n>"]
previous_field = ["<s-tab>", "<up>", "<c-p>"]

[verify]
next_field = ["<tab>", "<down>", "<c-n>"]
previous_field = ["<s-tab>", "<up>", "<c-p>"]

[reset_password]
next_field = ["<tab>", "<down>", "<c-n>"]
previous_field = ["<s-tab>", "<up>", "<c-p>"]

[profile_edit]
next_field = ["<tab>", "<down>", "<c-n>"]
previous_field = ["<s-tab>", "<up>", "<c-p>"]

[help]
close = ["<esc>", "q", "?"]
down = ["j", "<down>", "<c-e>"]
up = ["k", "<up>", "<c-y>"]
page_down = ["<c-f>", "<c-d>", "<pgdown>"]
page_up = ["<c-b>", "<c-u>", "<pgup>"]
top = ["gg", "<home>"]
bottom = ["G", "<end>"]

[confirm]
toggle_choice = ["<tab>", "h", "l"]

"""#,
    ]
}
