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
            'show:Show a commit and the paths its layer adds, modifies and deletes.'
            'diff:Show the file-level difference between two root filesystems.'
            'commit:Append a layer (or a config-only step) to an image, without a daemon.'
            'merge:Squash a range of commits into one layer (COMPRESS), or merge two images.'
            'rebase:Move an image'\''s own layers onto a new or patched base.'
            'tag:List tags, tag any commit, or delete tags.'
            'reset:Move a tag to another commit.'
            'reflog:Show every move of a tag, newest first.'
            'import:Copy images into the store from an archive or an OCI layout.'
            'export:Write an image as a tarball for docker load, podman load or skopeo.'
            'extract:Write a commit'\''s root filesystem, or only its layer'\''s changes, to a folder or a tar.'
            'pull:Fetch an image from a registry into the store.'
            'push:Send an image of the store to a registry.'
            'login:Check and store credentials for a registry.'
            'logout:Remove the stored credentials of a registry.'
            'init:Create an empty image store (an OCI image layout).'
            'fsck:Verify every blob and every image of the store.'
            'gc:Delete blobs and caches that no tag and no reflog entry reaches.'
            'mirror:Write the image history into a real git repository (through libgit2).'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        log|show|diff|commit|merge|rebase|tag|reset|reflog|import|export|extract|pull|push|login|logout|init|fsck|gc|mirror|help)
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
        '--stat[List the paths each layer adds, modifies and deletes, with sizes.]'
        '(-n --max-count)'{-n,--max-count}'[Show at most N commits.]:max-count:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '--git-ids[Show the git commit id of each commit in the mirror (run `imggit mirror` first).]'
        '--git[The mirror to read (default\: .imggit/mirror.git in the store).]:dir:_files -/'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_show() {
    local -i ret=1
    local -ar arg_specs=(
        ':revision:{__imggit_custom_complete ---completion show -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--stat[Sizes per path and a summary.]'
        '--name-status[Only the A/M/D lines.]'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '--git-ids[Show the git commit id of each commit in the mirror (run `imggit mirror` first).]'
        '--git[The mirror to read (default\: .imggit/mirror.git in the store).]:dir:_files -/'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_diff() {
    local -i ret=1
    local -ar arg_specs=(
        ':a:{__imggit_custom_complete ---completion diff -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        ':b:{__imggit_custom_complete ---completion diff -- positional@1 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--stat[Sizes per path and a summary.]'
        '--name-status[Only the A/M/D lines (the default).]'
        '--exit-code[Exit with status 1 when there are differences.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing; exit with status 1 when there are differences.]'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_commit() {
    local -i ret=1
    local -ar ___compression=('none' 'gzip' 'zstd')
    local -ar arg_specs=(
        ':image:{__imggit_custom_complete ---completion commit -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '(--message -m)'{--message,-m}'[The step'\''s created_by, shown by log.]:message:'
        '(--tag -t)'{--tag,-t}'[Tag the result NAME\[\:TAG\] (default\: move IMAGE'\''s tag).]:tag:{__imggit_custom_complete ---completion commit -- --tag "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '*--add[Copy a host file or folder into the image.]:src\:dest:_files'
        '*--rm[Remove a path of the image.]:path:'
        '*--env[Set an environment variable.]:key=value:'
        '--cmd[Set the command (JSON array, or a shell command).]:cmd:'
        '--entrypoint[Set the entrypoint (JSON array, or a shell command).]:cmd:'
        '--workdir[Set the working folder.]:dir:'
        '--user[Set the user.]:user:'
        '*--label[Set a label.]:key=value:'
        '--compression[Layer compression\: gzip, zstd or none.]:compression:{__imggit_complete "${___compression[@]}"}'
        '--level[Compression level. gzip\: without it, ISA-L on every core (within 5% of gzip -6'\''s size); 1-9 is gzip -N'\''s ratio or better, made by libdeflate (7-9 all at its level 7, which already beats gzip -9), 10-12 libdeflate'\''s slowest and smallest, also on every core. zstd\: 1-22, default 3 (20-22 search deeper within level 19'\''s 8 MiB window).]:level:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_merge() {
    local -i ret=1
    local -ar ___strategy=('ours' 'theirs')
    local -ar ___compression=('none' 'gzip' 'zstd')
    local -ar arg_specs=(
        '--squash[Make one layer of the commits merged.]'
        '*:revisions:{__imggit_custom_complete ---completion merge -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--strategy[Who wins a path both sides changed\: theirs (B) or ours (A, needs --squash).]:strategy:{__imggit_complete "${___strategy[@]}"}'
        '(--tag -t)'{--tag,-t}'[Tag the result NAME\[\:TAG\] (default\: move IMAGE'\''s tag).]:tag:{__imggit_custom_complete ---completion merge -- --tag "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '(--message -m)'{--message,-m}'[created_by of the new commit.]:message:'
        '--compression[Layer compression\: gzip, zstd or none.]:compression:{__imggit_complete "${___compression[@]}"}'
        '--level[Compression level. gzip\: without it, ISA-L on every core (within 5% of gzip -6'\''s size); 1-9 is gzip -N'\''s ratio or better, made by libdeflate (7-9 all at its level 7, which already beats gzip -9), 10-12 libdeflate'\''s slowest and smallest, also on every core. zstd\: 1-22, default 3 (20-22 search deeper within level 19'\''s 8 MiB window).]:level:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_rebase() {
    local -i ret=1
    local -ar arg_specs=(
        '--onto[The new base.]:new:{__imggit_custom_complete ---completion rebase -- --onto "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '*:revisions:{__imggit_custom_complete ---completion rebase -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--all[Rebase every tagged image that descends from OLD.]'
        '(--tag -t)'{--tag,-t}'[Tag the result NAME\[\:TAG\] (default\: move IMAGE'\''s tag).]:tag:{__imggit_custom_complete ---completion rebase -- --tag "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--strict[Refuse when the conflict check finds anything.]'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_extract() {
    local -i ret=1
    local -ar arg_specs=(
        ':revision:{__imggit_custom_complete ---completion extract -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '*:paths:'
        '--layer[Only this commit'\''s own layer.]'
        '-C[Write into this folder.]:dir:_files -/'
        '(--output -o)'{--output,-o}'[Write a tar to this file (- for standard output).]:file:_files'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_pull() {
    local -i ret=1
    local -ar ___layers=('all' 'none' 'top')
    local -ar arg_specs=(
        ':reference:'
        '(-t --tag)'{-t,--tag}'[Tag the image NAME\[\:TAG\] (default\: the reference'\''s name).]:tag:'
        '--platform[Whose layers to fetch from a multi-platform image.]:os/arch\[/variant\]:'
        '--layers[Layers to fetch now\: all, none (a partial image) or top (the newest only).]:layers:{__imggit_complete "${___layers[@]}"}'
        '--index[Read each layer fetched before tagging\: check its DiffID and index its files.]'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_push() {
    local -i ret=1
    local -ar arg_specs=(
        ':source:{__imggit_custom_complete ---completion push -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        ':destination:'
        '--all[Push every tag NAME\:TAG to REGISTRY/NAMESPACE/NAME\:TAG.]'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_login() {
    local -i ret=1
    local -ar arg_specs=(
        ':server:'
        '(-u --username)'{-u,--username}'[The user name.]:username:'
        '--password-stdin[Read the password from standard input.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_logout() {
    local -i ret=1
    local -ar arg_specs=(
        ':server:'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_gc() {
    local -i ret=1
    local -ar arg_specs=(
        '--dry-run[Report what would be deleted; delete nothing.]'
        '--expire-reflog[Drop reflog entries older than this first (30d, 12h, 45m, 90s, 0).]:age:'
        '--grace[Keep blobs younger than this (default 1h).]:age:'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_imggit_mirror() {
    local -i ret=1
    local -ar arg_specs=(
        '--git[The bare repository (default\: .imggit/mirror.git in the store).]:dir:_files -/'
        '--content[Mirror files'\'' bytes instead of their metadata.]'
        '--all[Every tagged image (the default when no REV is given).]'
        '*:revisions:{__imggit_custom_complete ---completion mirror -- positional@0 "${current_word_index}" "$(__imggit_cursor_index_in_current_word)"}'
        '--store[The image store (an OCI layout folder).]:dir:_files -/'
        '--offline[Never reach a registry\: a layer a partial image only promises is an error.]'
        '--insecure[Use plain HTTP, for loopback and lab registries.]'
        '--creds[Credentials for the registry the command names, winning over the auth file; other registries get the auth file'\''s.]:user\:pass:'
        '--jobs[How many blobs to move at once.]:jobs:'
        '--cert[A PEM file of CA certificates to trust for the registry.]:file:_files'
        '--timeout[Seconds without a byte before a transfer is retried; a manifest, token or config must arrive whole within it.]:seconds:'
        '--platform[The image of a multi-platform index to show or report (default\: the host'\''s). Rewrites change every platform.]:os/arch\[/variant\]:'
        '--json[Print JSON for scripts instead of text.]'
        '(--quiet -q)'{--quiet,-q}'[Print nothing but errors and warnings\: no summary, no progress bar.]'
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
