package cli

import (
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/mesosimg/mesosimg/generator"
)

// shells are the shells `mesosimg completion` writes a script for.
var shells = []string{"bash", "zsh", "fish"}

// runCompletion prints the completion script of one shell.
func runCompletion(args []string, env Env) int {
	fs := newFlags("completion", env)
	rest, code, ok := parse(fs, args, 1, false, env)
	if !ok {
		return code
	}
	tmpl, ok := completionScripts[rest[0]]
	if !ok {
		hint := ""
		if low := strings.ToLower(rest[0]); slices.Contains(shells, low) {
			hint = fmt.Sprintf(" (did you mean %q?)", low)
		}
		fmt.Fprintf(env.Stderr, "mesosimg completion: unknown shell %q%s; valid: %s\n", rest[0], hint, strings.Join(shells, ", "))
		return ExitUsage
	}
	if err := tmpl.Execute(env.Stdout, completionModel()); err != nil {
		fmt.Fprintf(env.Stderr, "mesosimg completion: %v\n", err)
		return ExitInvalid
	}
	return ExitOK
}

// completionCommand is what a script knows of one command.
type completionCommand struct {
	// Name and Summary are the command's name and its one line of help.
	Name, Summary string
	// Flags are the flags it parses.
	Flags []flagInfo
	// Args is what the positional argument completes to: yaml (a description), shell, command or "".
	Args string
}

// completionData is what the script templates are filled with.
type completionData struct {
	// Commands are every command, help included.
	Commands []completionCommand
	// Formats are the --format values; Shells the completion command's arguments.
	Formats, Shells []string
}

// completionModel gathers the commands, their flags (from the flag sets they parse) and the formats.
func completionModel() completionData {
	d := completionData{Shells: shells}
	for _, f := range generator.Formats {
		d.Formats = append(d.Formats, string(f))
	}
	args := map[string]string{"render": "yaml", "validate": "yaml", "init": "yaml", "completion": "shell"}
	for _, c := range commands {
		d.Commands = append(d.Commands, completionCommand{Name: c.name, Summary: c.summary, Flags: flagList(c), Args: args[c.name]})
	}
	d.Commands = append(d.Commands, completionCommand{Name: "help", Summary: "show the help of mesosimg or of a command", Args: "command"})
	return d
}

// Template helpers: the flags' spellings and the quoting each shell needs.
var completionFuncs = template.FuncMap{
	"join": strings.Join,
	// words lists a command's flag spellings: --name and -s.
	"words": func(fl []flagInfo, valued bool) string {
		var w []string
		for _, f := range fl {
			if valued && f.Value == "" {
				continue
			}
			w = append(w, "--"+f.Name)
			if f.Short != "" {
				w = append(w, "-"+f.Short)
			}
		}
		return strings.Join(w, " ")
	},
	"names": func(cs []completionCommand) string {
		var w []string
		for _, c := range cs {
			w = append(w, c.Name)
		}
		return strings.Join(w, " ")
	},
	// sq quotes s for a single-quoted shell string.
	"sq": func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" },
	// zdesc escapes s for an _arguments [description] (brackets) or the description of a
	// _describe name:description (where only the name's colons would need escaping).
	"zdesc": func(s string) string {
		return strings.NewReplacer(`[`, `\[`, `]`, `\]`).Replace(s)
	},
}

// completionScripts are the scripts, by shell.
var completionScripts = map[string]*template.Template{
	"bash": template.Must(template.New("bash").Funcs(completionFuncs).Parse(bashCompletion)),
	"zsh":  template.Must(template.New("zsh").Funcs(completionFuncs).Parse(zshCompletion)),
	"fish": template.Must(template.New("fish").Funcs(completionFuncs).Parse(fishCompletion)),
}

const bashCompletion = `# bash completion for mesosimg, written by ` + "`mesosimg completion bash`" + `:
# source it, or install it as /usr/share/bash-completion/completions/mesosimg.
_mesosimg() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=
    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    if (( COMP_CWORD <= 1 )); then
        mapfile -t COMPREPLY < <(compgen -W {{sq (names .Commands)}} -- "$cur")
        return 0
    fi
    local cmd=${COMP_WORDS[1]} flags= valued= args=
    case $cmd in
{{- range .Commands}}
        {{.Name}}) flags={{sq (words .Flags false)}}; valued={{sq (words .Flags true)}}; args={{sq .Args}} ;;
{{- end}}
        *) return 0 ;;
    esac
    # A flag's value: "--flag VALUE", or "--flag=VALUE", which bash splits at the "=" (or not).
    local flag= value=$cur prefix=
    if [[ $cur == = && " $valued " == *" $prev "* ]]; then
        flag=$prev value=
    elif [[ $prev == = ]] && (( COMP_CWORD > 2 )) && [[ " $valued " == *" ${COMP_WORDS[COMP_CWORD-2]} "* ]]; then
        flag=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == --*=* ]]; then
        flag=${cur%%=*} value=${cur#*=} prefix=$flag=
    elif [[ " $valued " == *" $prev "* ]]; then
        flag=$prev
    fi
    if [[ -n $flag ]]; then
        case $flag in
            --format)
                local done=
                [[ $value == *,* ]] && done=${value%,*},
                mapfile -t COMPREPLY < <(compgen -P "$prefix$done" -W {{sq (join .Formats " ")}} -- "${value##*,}") ;;
            -o|--output)
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -P "$prefix" -d -- "$value") ;;
            *)
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -P "$prefix" -f -- "$value") ;;
        esac
        return 0
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
        return 0
    fi
    case $args in
        yaml)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -X '!*.y*ml' -- "$cur"; compgen -d -- "$cur") ;;
        shell)
            mapfile -t COMPREPLY < <(compgen -W {{sq (join .Shells " ")}} -- "$cur") ;;
        command)
            mapfile -t COMPREPLY < <(compgen -W {{sq (names .Commands)}} -- "$cur") ;;
    esac
    return 0
}
complete -F _mesosimg mesosimg
`

const zshCompletion = `#compdef mesosimg
# zsh completion for mesosimg, written by ` + "`mesosimg completion zsh`" + `: install it as _mesosimg in a
# directory of $fpath, or source it after compinit.
_mesosimg_formats() {
    _values -s , 'format' {{range .Formats}} {{sq .}}{{end}}
}

_mesosimg() {
    local -a commands
    commands=(
{{- range .Commands}}
        {{sq (printf "%s:%s" .Name (zdesc .Summary))}}
{{- end}}
    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'mesosimg command' commands
        return
    fi
    local cmd=$words[2]
    shift words
    (( CURRENT-- ))
    case $cmd in
{{- range .Commands}}
        {{.Name}})
            _arguments -s \
{{- range .Flags}}
                {{if .Short}}'(-{{.Short}} --{{.Name}})'{-{{.Short}}{{if .Value}}+{{end}},--{{.Name}}{{if .Value}}={{end}}}{{else}}'--{{.Name}}{{if .Value}}={{end}}'{{end}}{{sq (printf "[%s]" (zdesc .Usage))}}{{if eq .Name "output"}}':DIR:_files -/'{{else if eq .Name "format"}}':LIST:_mesosimg_formats'{{else if .Value}}':{{.Value}}:_files'{{end}} \
{{- end}}
{{- if eq .Args "yaml"}}
                '1:description:_files -g "*.(yaml|yml)"'
{{- else if eq .Args "shell"}}
                '1:shell:({{join $.Shells " "}})'
{{- else if eq .Args "command"}}
                '1:command:({{names $.Commands}})'
{{- else}}
                '*: :'
{{- end}}
            ;;
{{- end}}
    esac
}

if [[ $funcstack[1] == _mesosimg ]]; then
    _mesosimg "$@"
else
    compdef _mesosimg mesosimg
fi
`

const fishCompletion = `# fish completion for mesosimg, written by ` + "`mesosimg completion fish`" + `: install it as
# ~/.config/fish/completions/mesosimg.fish, or source it.
function __mesosimg_formats
    set -l done (string match -r '^.*,' -- (commandline -ct | string replace -r '^--format=' ''))
    for f in {{join .Formats " "}}
        echo $done$f
    end
end

complete -c mesosimg -f
{{- range .Commands}}
complete -c mesosimg -n __fish_use_subcommand -a {{.Name}} -d {{sq .Summary}}
{{- end}}
{{- range $c := .Commands}}
{{- range .Flags}}
complete -c mesosimg -n '__fish_seen_subcommand_from {{$c.Name}}'{{if .Short}} -s {{.Short}}{{end}} -l {{.Name}}{{if eq .Name "format"}} -x -a '(__mesosimg_formats)'{{else if eq .Name "output"}} -x -a '(__fish_complete_directories (commandline -ct))'{{else if .Value}} -r -F{{end}} -d {{sq .Usage}}
{{- end}}
{{- if eq .Args "yaml"}}
complete -c mesosimg -n '__fish_seen_subcommand_from {{.Name}}' -k -a '(__fish_complete_suffix .yml; __fish_complete_suffix .yaml)'
{{- else if eq .Args "shell"}}
complete -c mesosimg -n '__fish_seen_subcommand_from {{.Name}}' -x -a {{sq (join $.Shells " ")}}
{{- else if eq .Args "command"}}
complete -c mesosimg -n '__fish_seen_subcommand_from {{.Name}}' -x -a {{sq (names $.Commands)}}
{{- end}}
{{- end}}
`
