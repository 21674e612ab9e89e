from django.shortcuts import render

from .decorators import back_office_required


def home(request):
    return render(request, "web/home.html")


@back_office_required
def staff_home(request):
    return render(request, "web/staff_home.html")


def forbidden(request, exception=None):
    return render(request, "403.html", {"message": str(exception or "")}, status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
