#compdef imggit

__imggit_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__imggit_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __imggit_complete "${completions[@]:0:-1}"
    fi
}

__imggit_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_imggit() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'log:Show commits (history entries and their layers), newest first.'
            'tag:List tags, tag any commit, or delete tags.'
            'reset:Move a tag to another commit.'
            'reflog:Show every move of a tag, newest first.'
            'import:Copy images into the store from an archive or an OCI layout.'
            'export:Write an image as a tarball for docker load, podman load or skopeo.'
            'init:Create an empty image store (an OCI image layout).'
            'fsck:Verify every blob and every image of the store.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        log|tag|reset|reflog|import|export|init|fsck|help)
            "_imggit_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_imggit_log() {
    local -i ret=1
    local -ar arg_specs=(
        '*:revisions:{__imggit_custom_complete ---completion log -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--all[Show the commits of every tagged image.]'
        '--graph[Draw the commit graph.]'
        '--oneline[One line per commit.]'
        '(-n --max-count)'{-n,--max-count}'[Show at most N commits.]:max-count:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--json[Print JSON for scripts instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_tag() {
    local -i ret=1
    local -ar arg_specs=(
        ':name:{__imggit_custom_complete ---completion tag -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        ':revision:{__imggit_custom_complete ---completion tag -- positional@1 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '(--delete -d)'{--delete,-d}'[Delete these tags (their images stay in the reflog).]:tag:{__imggit_custom_complete ---completion tag -- --delete "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '(--force -f)'{--force,-f}'[Move the tag if it exists already.]'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--json[Print JSON for scripts instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_reset() {
    local -i ret=1
    local -ar arg_specs=(
        ':tag:{__imggit_custom_complete ---completion reset -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        ':revision:{__imggit_custom_complete ---completion reset -- positional@1 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_reflog() {
    local -i ret=1
    local -ar arg_specs=(
        ':tag:{__imggit_custom_complete ---completion reflog -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--json[Print JSON for scripts instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_import() {
    local -i ret=1
    local -ar arg_specs=(
        ':source:_files'
        '(-t --tag)'{-t,--tag}'[Tag the imported image NAME\[\:TAG\] (one image only).]:tag:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--json[Print JSON for scripts instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_export() {
    local -i ret=1
    local -ar ___format=('docker' 'oci')
    local -ar arg_specs=(
        ':revision:{__imggit_custom_complete ---completion export -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '(--output -o)'{--output,-o}'[Output file, or - for standard output.]:file:_files'
        '--format[Archive format\: docker or oci.]:format:{__imggit_complete "${___format[@]}"}'
        '(--name -n)'{--name,-n}'[The name to record in the archive (default\: the tag used, if any).]:name:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_init() {
    local -i ret=1
    local -ar arg_specs=(
        ':directory:_files -/'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_fsck() {
    local -i ret=1
    local -ar arg_specs=(
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--json[Print JSON for scripts instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _imggit ]]; then
    _imggit "${@}"
else
    compdef _imggit imggit
fi
